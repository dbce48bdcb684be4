-- Deletes one batch of test leads with their quotes and interactions (explicitly, so it works
-- whether or not the foreign keys cascade). Returns: leads, quotes, interactions deleted.
-- $1 domain (lower case), $2 batch size. Row locks on the batch (SKIP LOCKED: never waits).
WITH batch AS (
  SELECT id FROM public.leads
  WHERE lower(split_part(email, '@', 2)) = $1
     OR right(lower(split_part(email, '@', 2)), length($1) + 1) = '.' || $1
  ORDER BY id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
),
q AS (DELETE FROM public.quotes WHERE lead_id IN (SELECT id FROM batch) RETURNING 1),
i AS (DELETE FROM public.interactions WHERE lead_id IN (SELECT id FROM batch) RETURNING 1),
l AS (DELETE FROM public.leads WHERE id IN (SELECT id FROM batch) RETURNING 1)
SELECT (SELECT count(*) FROM l) AS leads, (SELECT count(*) FROM q) AS quotes, (SELECT count(*) FROM i) AS interactions
