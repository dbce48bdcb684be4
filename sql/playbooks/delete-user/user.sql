-- The user delete-user acts on. Returns: id, email, created_at, last_sign_in_at. $1 user id (uuid)
SELECT u.id, u.email, u.created_at, u.last_sign_in_at FROM auth.users u WHERE u.id = $1::uuid
