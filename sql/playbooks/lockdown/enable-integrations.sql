-- Switches the given integrations back on. Returns: id. $1 ids (uuid[])
UPDATE public.integrations SET active = true, updated_at = now()
WHERE id = ANY ($1::uuid[]) AND NOT active
RETURNING id
