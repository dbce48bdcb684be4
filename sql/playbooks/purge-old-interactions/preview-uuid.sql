-- Interactions created before the cutoff, for a table whose id is a uuid: the exact ids are the
-- scope (up to $2 of them, oldest first). Returns one row: n, oldest, newest, ids (text[],
-- at most $2), fingerprint (sum of 64-bit hashes of all ids in scope).
-- $1 cutoff (timestamptz), $2 most ids returned. No locks.
SELECT
  count(*) AS n,
  min(created_at) AS oldest,
  max(created_at) AS newest,
  COALESCE((SELECT array_agg(s.id::text ORDER BY s.created_at, s.id) FROM (
    SELECT id, created_at FROM public.interactions WHERE created_at < $1 ORDER BY created_at, id LIMIT $2
  ) s), '{}') AS ids,
  COALESCE(sum(hashtextextended(id::text, 0)::numeric), 0)::text AS fingerprint
FROM public.interactions
WHERE created_at < $1
