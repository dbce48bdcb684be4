-- Leads whose email is at the domain $1 (or a subdomain of it), and the rows that hang off them.
-- Returns: leads, quotes, interactions, sample (up to 20 "email" lines, oldest first), ids (text[]
-- of at most $2 lead ids: the exact keys a run may delete). $1 domain (lower case), $2 most ids. No locks.
WITH doomed AS (
  SELECT id, email, created_at
  FROM public.leads
  WHERE lower(split_part(email, '@', 2)) = $1
     OR right(lower(split_part(email, '@', 2)), length($1) + 1) = '.' || $1
)
SELECT
  (SELECT count(*) FROM doomed) AS leads,
  (SELECT count(*) FROM public.quotes q WHERE q.lead_id IN (SELECT id FROM doomed)) AS quotes,
  (SELECT count(*) FROM public.interactions i WHERE i.lead_id IN (SELECT id FROM doomed)) AS interactions,
  COALESCE((SELECT array_agg(s.email ORDER BY s.created_at, s.id) FROM (SELECT email, created_at, id FROM doomed ORDER BY created_at, id LIMIT 20) s), '{}') AS sample,
  COALESCE((SELECT array_agg(s.id::text ORDER BY s.id) FROM (SELECT id FROM doomed ORDER BY id LIMIT $2) s), '{}') AS ids
