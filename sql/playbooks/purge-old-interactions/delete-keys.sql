-- Deletes approved interactions by exact id (tables whose id is a uuid), still only when
-- created before the cutoff. Returns: deleted. $1 cutoff, $2 ids (text[] of uuids). Row locks on those rows.
WITH d AS (DELETE FROM public.interactions WHERE id = ANY ($2::text[]::uuid[]) AND created_at < $1 RETURNING 1)
SELECT count(*) AS deleted FROM d
