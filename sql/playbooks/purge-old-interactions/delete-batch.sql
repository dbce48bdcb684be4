-- Deletes one batch of the approved interactions: created before the cutoff, id above $2 (the
-- last batch's highest id, null for the first) and at most the pinned ceiling $4 — so rows
-- added after the preview (higher ids) are never touched. The batch's upper id is found first
-- (an index range scan of at most $3 ids), then the rows are deleted by that id range: a plain
-- range delete, about ten times cheaper than DELETE … WHERE id IN (subquery). The range holds
-- exactly the batch: every older row with an id in it was among the first $3 found.
-- Row locks on the batch only.
-- Returns: deleted, last_id (highest id deleted as text, null when none).
-- $1 cutoff, $2 after id (bigint or null), $3 batch size, $4 id ceiling (bigint)
WITH bound AS (
  SELECT COALESCE($2::bigint, -9223372036854775807 - 1) AS lo,
         (SELECT max(id) FROM (
            SELECT id FROM public.interactions
            WHERE id > COALESCE($2::bigint, -9223372036854775807 - 1) AND id <= $4::bigint AND created_at < $1
            ORDER BY id
            LIMIT $3
          ) b) AS hi
),
d AS (
  DELETE FROM public.interactions i
  USING bound
  WHERE i.id > bound.lo AND i.id <= bound.hi AND i.created_at < $1
  RETURNING i.id
)
SELECT count(*) AS deleted, max(id)::text AS last_id FROM d
