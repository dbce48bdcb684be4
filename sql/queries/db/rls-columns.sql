-- The columns of the table `/db rls` tests, so the filter's column names are checked against
-- the catalog. Returns one row per live column in table order: name, ident (quote_ident of the
-- name, ready for a statement), type (format_type).
-- $1 schema name, $2 table name. No locks beyond catalog reads.
SELECT a.attname AS name, quote_ident(a.attname) AS ident, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
