-- The user send-password-reset emails. Returns: id, email, email_confirmed_at, banned_until,
-- last_sign_in_at, deleted_at. $1 user id (uuid). No locks.
SELECT u.id, u.email, u.email_confirmed_at, u.banned_until, u.last_sign_in_at, u.deleted_at
FROM auth.users u
WHERE u.id = $1::uuid
