-- Interactions created before the cutoff with an integer id at or below the ceiling: the scope
-- a purge approves. The first preview passes no ceiling and pins the max id it finds.
-- Returns: n, oldest, newest, ceiling (max id in scope), fingerprint (sum of 64-bit hashes of
-- the ids: same count but another fingerprint means other rows), outside (rows before the
-- cutoff above the ceiling: newer than what was approved).
-- $1 cutoff (timestamptz), $2 id ceiling (bigint, null for none). No locks.
SELECT
  count(*) AS n,
  min(created_at) AS oldest,
  max(created_at) AS newest,
  max(id)::text AS ceiling,
  COALESCE(sum(hashint8extended(id::bigint, 0)::numeric), 0)::text AS fingerprint,
  (SELECT count(*) FROM public.interactions o WHERE o.created_at < $1 AND $2::bigint IS NOT NULL AND o.id > $2::bigint) AS outside
FROM public.interactions
WHERE created_at < $1 AND ($2::bigint IS NULL OR id <= $2::bigint)
