-- Grants a role in an organization; nothing when already granted. Returns the new row's id.
-- $1 user id, $2 organization id, $3 role
INSERT INTO public.user_roles (user_id, organization_id, role)
VALUES ($1::uuid, $2::uuid, $3::public.app_role)
ON CONFLICT (user_id, organization_id, role) DO NOTHING
RETURNING id
