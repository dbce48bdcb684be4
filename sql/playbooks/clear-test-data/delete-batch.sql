-- Deletes one batch of approved test leads, by exact id and only while still at the domain,
-- with their quotes and interactions (explicitly, so it works whether or not the foreign keys
-- cascade). Leads added after the preview are never in $2, so never touched.
-- Returns: leads, quotes, interactions deleted. $1 domain (lower case), $2 approved lead ids
-- (text[] of uuids). Row locks on the batch (waits up to lock_timeout for a locked lead).
WITH batch AS (
  SELECT id FROM public.leads
  WHERE id = ANY ($2::text[]::uuid[])
    AND (lower(split_part(email, '@', 2)) = $1
      OR right(lower(split_part(email, '@', 2)), length($1) + 1) = '.' || $1)
  FOR UPDATE
),
q AS (DELETE FROM public.quotes WHERE lead_id IN (SELECT id FROM batch) RETURNING 1),
i AS (DELETE FROM public.interactions WHERE lead_id IN (SELECT id FROM batch) RETURNING 1),
l AS (DELETE FROM public.leads WHERE id IN (SELECT id FROM batch) RETURNING 1)
SELECT (SELECT count(*) FROM l) AS leads, (SELECT count(*) FROM q) AS quotes, (SELECT count(*) FROM i) AS interactions
