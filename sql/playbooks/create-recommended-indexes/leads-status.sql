-- Runbook index idx_leads_status: the open leads (new, contacted) a sales team works through.
-- Partial, so it stays small. Runs outside a transaction. CONCURRENTLY: takes SHARE UPDATE
-- EXCLUSIVE on the table, which does not block reads or writes; a failed build leaves an INVALID
-- index behind. No parameters.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_leads_status ON public.leads (status) WHERE status IN ('new', 'contacted')
