-- The user, the organization and the user's current roles there.
-- Returns: user_email (null when no such user), org_name (null when no such organization),
-- roles (text[]), role_ids (json: role → id of its user_roles row, as text), user_exists,
-- org_exists. $1 user id, $2 organization id
SELECT
  (SELECT email FROM auth.users WHERE id = $1::uuid) AS user_email,
  (SELECT name FROM public.organizations WHERE id = $2::uuid) AS org_name,
  COALESCE((SELECT array_agg(role::text ORDER BY role) FROM public.user_roles WHERE user_id = $1::uuid AND organization_id = $2::uuid), '{}') AS roles,
  COALESCE((SELECT json_object_agg(role::text, id::text) FROM public.user_roles WHERE user_id = $1::uuid AND organization_id = $2::uuid), '{}'::json) AS role_ids,
  (SELECT count(*) > 0 FROM auth.users WHERE id = $1::uuid) AS user_exists,
  (SELECT count(*) > 0 FROM public.organizations WHERE id = $2::uuid) AS org_exists
