-- Runbook index idx_leads_org_created: a dealership's newest leads first (lead lists).
-- Runs outside a transaction. CONCURRENTLY: takes SHARE UPDATE EXCLUSIVE on the table, which
-- does not block reads or writes; a failed build leaves an INVALID index behind. No parameters.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_org_created ON public.leads (organization_id, created_at DESC)
