-- The data-breach drill's audit trail: sign-ins of $1 different accounts from one unfamiliar
-- address in the last minutes, tagged with the drill. Returns one row (n). $1 accounts, $2 drill tag.
WITH ins AS (
  INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
  SELECT '00000000-0000-0000-0000-000000000000'::uuid, gen_random_uuid(),
         json_build_object('action', 'login', 'actor_id', u.id, 'actor_username', u.email, 'log_type', 'account',
                           'traits', json_build_object('provider', 'email', 'drill', $2::text)),
         now() - make_interval(secs => u.n * 2),
         '45.155.205.233'
  FROM (SELECT id, email, row_number() OVER (ORDER BY id) AS n FROM auth.users ORDER BY id LIMIT $1::int) u
  RETURNING 1
)
SELECT count(*)::int AS n FROM ins
