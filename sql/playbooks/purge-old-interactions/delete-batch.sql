-- Deletes one batch of interactions older than the cutoff, walking the primary key upwards
-- from $2 so each batch is a short index range scan, never a long lock.
-- Returns: deleted, last_id (highest id deleted, null when none). $1 cutoff, $2 after id, $3 batch size
WITH batch AS (
  SELECT id FROM public.interactions
  WHERE id > $2 AND created_at < $1
  ORDER BY id
  LIMIT $3
),
d AS (DELETE FROM public.interactions WHERE id IN (SELECT id FROM batch) RETURNING id)
SELECT count(*) AS deleted, max(id) AS last_id FROM d
