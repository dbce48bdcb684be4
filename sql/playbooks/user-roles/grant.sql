-- Grants a role in an organization; nothing when already granted. Returns the new row's id.
-- $1 user id, $2 organization id, $3 role (text: Postgres converts it to the column's type, an
-- enum, a domain or text with a CHECK, and refuses a value the column does not allow).
-- Locks: the new row, and the unique index entry it conflicts on.
INSERT INTO public.user_roles (user_id, organization_id, role)
VALUES ($1::uuid, $2::uuid, $3)
ON CONFLICT (user_id, organization_id, role) DO NOTHING
RETURNING id
