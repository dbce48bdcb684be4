-- The Auth user `/db rls` acts as, to build the JWT claims GoTrue would issue for them. Returns
-- zero rows for an unknown id, else one row: email, phone, app_metadata, user_metadata (jsonb),
-- is_anonymous. Columns are read through to_jsonb, so older auth schemas without is_anonymous
-- or phone still answer. An absent auth.users fails with 42P01 (reported as missing).
-- $1 user id (uuid). Locks: ACCESS SHARE on auth.users (a plain read).
SELECT
  j ->> 'email' AS email,
  j ->> 'phone' AS phone,
  coalesce(j -> 'raw_app_meta_data', '{}'::jsonb) AS app_metadata,
  coalesce(j -> 'raw_user_meta_data', '{}'::jsonb) AS user_metadata,
  coalesce((j ->> 'is_anonymous')::boolean, false) AS is_anonymous
FROM (SELECT to_jsonb(u) AS j FROM auth.users u WHERE u.id = $1::uuid) s
