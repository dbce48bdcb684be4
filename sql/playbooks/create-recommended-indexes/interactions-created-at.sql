-- Runbook index 1: interactions by creation time (purges, timelines). Outside a transaction.
-- CONCURRENTLY: no lock blocking writes; a failed build leaves an INVALID index behind.
CREATE INDEX CONCURRENTLY IF NOT EXISTS interactions_created_at_idx ON public.interactions (created_at)
