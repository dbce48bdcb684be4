-- Runbook index idx_interactions_created_at: interactions by creation time (purges, timelines).
-- Runs outside a transaction. CONCURRENTLY: takes SHARE UPDATE EXCLUSIVE on the table, which
-- does not block reads or writes; a failed build leaves an INVALID index behind. No parameters.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_interactions_created_at ON public.interactions (created_at)
