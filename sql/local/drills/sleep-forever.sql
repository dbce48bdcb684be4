-- The slow-query drill's runaway statement: a report query that never finishes. No parameters;
-- holds an ACCESS SHARE lock on public.vehicles while it runs.
SELECT count(*) AS n, pg_sleep(86400) FROM public.vehicles WHERE status = 'available'
