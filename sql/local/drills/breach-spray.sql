-- The data-breach drill's way in: password spraying from the attacker's address, $1 failed
-- sign-ins over the last $2 minutes across many accounts (before the successful ones), tagged
-- with the drill so reset removes exactly them. Enough to breach the failed sign-ins alert.
-- Returns one row (n). $1 count, $2 minutes, $3 drill tag.
WITH accounts AS (
  SELECT id, email, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total
  FROM (SELECT id, email FROM auth.users ORDER BY id LIMIT 500) u
), ins AS (
  INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
  SELECT '00000000-0000-0000-0000-000000000000'::uuid, gen_random_uuid(),
         json_build_object('action', 'login_failed', 'actor_id', a.id, 'actor_username', a.email, 'log_type', 'account',
                           'traits', json_build_object('provider', 'email', 'error', 'invalid_credentials', 'drill', $3::text)),
         now() - make_interval(secs => (i * $2::int * 60.0 / $1::int)),
         '45.155.205.233'
  FROM generate_series(1, $1::int) AS i
  JOIN accounts a ON a.n = i % a.total
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
