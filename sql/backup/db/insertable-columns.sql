-- Columns of a table an INSERT may name (not dropped, not generated), in order, so a restore
-- can put back the rows it kept. Returns: name. $1 schema, $2 table. Catalog reads only.
SELECT a.attname::text AS name
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum
