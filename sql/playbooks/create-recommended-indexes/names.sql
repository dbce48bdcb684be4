-- Which of the given relation names are taken in schema public, and by what.
-- Returns one row per name: name, relkind (null when free), on_table (the table when it is an
-- index), definition (when it is an index). $1 names (text[]). Reads catalogs only; takes no lock.
SELECT
  g.name,
  c.relkind::text AS relkind,
  CASE WHEN c.relkind IN ('i', 'I') THEN (SELECT i.indrelid::regclass::text FROM pg_index i WHERE i.indexrelid = c.oid) END AS on_table,
  CASE WHEN c.relkind IN ('i', 'I') THEN pg_get_indexdef(c.oid) END AS definition
FROM unnest($1::text[]) AS g(name)
LEFT JOIN pg_class c ON c.relname = g.name AND c.relnamespace = 'public'::regnamespace
ORDER BY g.name
