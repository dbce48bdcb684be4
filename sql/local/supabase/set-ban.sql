-- The simulated Auth admin API's PUT /admin/users/{id} with ban_duration, as GoTrue does it:
-- banned_until = now() + the duration, or NULL for 'none'; records a user_modified audit
-- entry. Returns the user (id, email, banned_until, created_at, updated_at, last_sign_in_at,
-- app and user metadata); none when there is no such user.
-- $1 user id (uuid), $2 duration as Postgres reads it (e.g. '876000 hours') or 'none'.
-- Takes a row lock on the user.
WITH updated AS (
  UPDATE auth.users
  SET banned_until = CASE WHEN $2::text = 'none' THEN NULL ELSE now() + $2::text::interval END,
      updated_at = now()
  WHERE id = $1::uuid
  RETURNING id, email, banned_until, created_at, updated_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, role, aud
), audit AS (
  INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
  SELECT '00000000-0000-0000-0000-000000000000'::uuid, gen_random_uuid(),
         json_build_object('action', 'user_modified', 'actor_username', 'service_role', 'log_type', 'user', 'traits', json_build_object('user_id', u.id, 'ban_duration', $2::text)),
         now(), '127.0.0.1'
  FROM updated u
)
SELECT * FROM updated
