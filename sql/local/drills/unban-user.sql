-- Lifts a ban a drill's responder set (reset). Returns nothing. $1 user id (uuid). Row lock on the user.
UPDATE auth.users SET banned_until = NULL, updated_at = now() WHERE id = $1::uuid AND banned_until IS NOT NULL
