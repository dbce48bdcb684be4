-- The slow-query drill's repeated slow statement (about 300 ms a call), so pg_stat_statements
-- shows a statement far above the runbook's 100 ms. Returns one row (n). $1 ILIKE pattern.
-- ACCESS SHARE on public.interactions.
SELECT count(*) AS n, pg_sleep(0.3) FROM public.interactions WHERE content ILIKE $1
