-- Deletes one batch of the approved interactions: created before the cutoff, id above $2 (the
-- last batch's highest id, null for the first) and at most the pinned ceiling $4 — so rows
-- added after the preview (higher ids) are never touched. Walks the primary key upwards, so
-- each batch is a short index range scan. Row locks on the batch only.
-- Returns: deleted, last_id (highest id deleted as text, null when none).
-- $1 cutoff, $2 after id (bigint or null), $3 batch size, $4 id ceiling (bigint)
WITH batch AS (
  SELECT id FROM public.interactions
  WHERE ($2::bigint IS NULL OR id > $2::bigint) AND id <= $4::bigint AND created_at < $1
  ORDER BY id
  LIMIT $3
),
d AS (DELETE FROM public.interactions WHERE id IN (SELECT id FROM batch) RETURNING id)
SELECT count(*) AS deleted, max(id)::text AS last_id FROM d
