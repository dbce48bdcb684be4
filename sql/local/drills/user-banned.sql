-- Whether a user is banned now (the failed-login storm is over once the account is disabled).
-- Returns one row (banned). $1 user id (uuid). No locks.
SELECT COALESCE(bool_or(banned_until > now()), false) AS banned FROM auth.users WHERE id = $1::uuid
