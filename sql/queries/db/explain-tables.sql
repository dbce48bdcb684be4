-- The tables a plan reads, for judging its sequential scans and suggesting indexes. Returns one
-- row per table found: schema, name, ident (quoted schema.table), est_rows (reltuples), bytes
-- (pg_relation_size), columns (text[] of live column names), indexed (text[]: first columns of
-- its indexes).
-- $1 schema names (text[]), $2 table names (text[]), pairwise. No locks beyond catalog reads.
SELECT
  n.nspname AS schema,
  c.relname AS name,
  quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS ident,
  c.reltuples::bigint AS est_rows,
  pg_relation_size(c.oid) AS bytes,
  ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns,
  ARRAY(
    SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE i.indrelid = c.oid
  ) AS indexed
FROM unnest($1::text[], $2::text[]) AS t (schema, name)
JOIN pg_namespace n ON n.nspname = t.schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name
