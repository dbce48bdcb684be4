-- Runbook index 2: a dealership's newest leads first (lead lists). Outside a transaction.
-- CONCURRENTLY: no lock blocking writes; a failed build leaves an INVALID index behind.
CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_org_created_idx ON public.leads (organization_id, created_at DESC)
