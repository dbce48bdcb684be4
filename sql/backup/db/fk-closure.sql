-- The tables to replace when restoring the given ones: those tables plus every table that
-- references one of them through a foreign key, transitively (they cannot keep rows pointing
-- at replaced rows, and TRUNCATE refuses to leave them behind).
-- Returns: schema, name, requested (boolean). $1 "schema.name" of the requested tables (text[])
WITH RECURSIVE wanted AS (
  SELECT c.oid
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname || '.' || c.relname = ANY ($1::text[])
  UNION
  SELECT con.conrelid
  FROM pg_constraint con
  JOIN wanted w ON con.confrelid = w.oid
  WHERE con.contype = 'f'
)
SELECT n.nspname AS schema, c.relname AS name, (n.nspname || '.' || c.relname = ANY ($1::text[])) AS requested
FROM wanted w
JOIN pg_class c ON c.oid = w.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY n.nspname, c.relname
