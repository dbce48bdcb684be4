-- Revokes a role in an organization: exactly the user_roles row the approvers saw. Returns the
-- deleted row's id. $1 user id, $2 organization id, $3 role (compared as text, whatever the
-- column's type), $4 the id of that row at preview (as text): a row granted again since then
-- is another row, and stays. Locks: the deleted row.
DELETE FROM public.user_roles
WHERE user_id = $1::uuid AND organization_id = $2::uuid AND role::text = $3::text AND id::text = $4::text
RETURNING id
