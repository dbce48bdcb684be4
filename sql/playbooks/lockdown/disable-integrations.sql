-- Switches off the given integrations (only those still on). Returns: id. $1 ids (uuid[])
UPDATE public.integrations SET active = false, updated_at = now()
WHERE id = ANY ($1::uuid[]) AND active
RETURNING id
