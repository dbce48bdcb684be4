-- Revokes a role in an organization. Returns the deleted row's id.
-- $1 user id, $2 organization id, $3 role (compared as text, whatever the column's type).
-- Locks: the deleted row.
DELETE FROM public.user_roles
WHERE user_id = $1::uuid AND organization_id = $2::uuid AND role::text = $3::text
RETURNING id
