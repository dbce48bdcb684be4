-- Marks the profile active again. Returns: profiles changed. $1 user id (uuid)
WITH p AS (UPDATE public.profiles SET active = true, updated_at = now() WHERE id = $1::uuid AND NOT active RETURNING 1)
SELECT (SELECT count(*) FROM p) AS profiles
