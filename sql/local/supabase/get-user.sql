-- The simulated Auth admin API's GET /admin/users/{id}: the user, or none.
-- Returns id, email, banned_until, created_at, updated_at, last_sign_in_at, metadata, role, aud.
-- $1 user id (uuid). No locks.
SELECT id, email, banned_until, created_at, updated_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, role, aud
FROM auth.users
WHERE id = $1::uuid
