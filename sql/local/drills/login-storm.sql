-- The failed-login storm: $1 failed sign-ins of one account spread over the last $2 minutes,
-- from a handful of addresses, tagged with the drill in their traits so reset removes exactly
-- them. Returns one row (n). $1 count, $2 minutes, $3 user id (uuid), $4 email, $5 drill tag.
WITH ins AS (
  INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
  SELECT '00000000-0000-0000-0000-000000000000'::uuid, gen_random_uuid(),
         json_build_object('action', 'login_failed', 'actor_id', $3::uuid, 'actor_username', $4::text, 'log_type', 'account',
                           'traits', json_build_object('provider', 'email', 'error', 'invalid_credentials', 'drill', $5::text)),
         now() - make_interval(secs => (i * $2::int * 60.0 / $1::int)),
         '185.220.101.' || (1 + i % 7)
  FROM generate_series(1, $1::int) AS i
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
