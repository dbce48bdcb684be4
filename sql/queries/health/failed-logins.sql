-- Failed sign-ins recorded by Supabase Auth in auth.audit_log_entries during the last hour.
-- GoTrue records actions in payload->>'action'; failures are the actions that name a failure
-- (e.g. login_failed, from an audit hook) or carry an error in their traits.
-- Returns one row: total, peak_per_minute. $1 window in minutes.
WITH failed AS (
  SELECT date_trunc('minute', created_at) AS minute
  FROM auth.audit_log_entries
  WHERE created_at > now() - make_interval(mins => $1)
    AND (
      payload ->> 'action' ILIKE '%fail%'
      OR (payload -> 'traits') ->> 'error' IS NOT NULL
    )
)
SELECT
  (SELECT count(*) FROM failed) AS total,
  COALESCE((SELECT max(n) FROM (SELECT count(*) AS n FROM failed GROUP BY minute) m), 0) AS peak_per_minute
