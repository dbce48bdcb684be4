-- Interactions created before the cutoff. Returns: n, oldest, newest. $1 cutoff (timestamptz)
SELECT count(*) AS n, min(created_at) AS oldest, max(created_at) AS newest
FROM public.interactions
WHERE created_at < $1
