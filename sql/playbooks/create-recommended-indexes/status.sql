-- The recommended indexes and whether each exists and is valid.
-- Returns: name, exists, valid. $1 index names (text[]), all in schema public.
SELECT n.name, i.indexrelid IS NOT NULL AS exists, COALESCE(i.indisvalid, false) AS valid
FROM unnest($1::text[]) AS n(name)
LEFT JOIN pg_class c ON c.relname = n.name AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'i'
LEFT JOIN pg_index i ON i.indexrelid = c.oid
