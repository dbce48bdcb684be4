-- Foreign keys without an index on the referencing columns: every DELETE or key UPDATE on the
-- referenced table then scans the referencing table, and joins on the key cannot use an index.
-- A foreign key counts as covered when a valid, non-partial index has exactly its columns (in
-- any order) as its leading columns. Outside the Supabase-managed schemas ($1, LIKE patterns).
-- Returns up to $2 rows, largest tables first: schema, table_name, constraint_name, columns
-- (text[]), referenced (schema-qualified table), table_bytes, table_rows, suggestion (a CREATE
-- INDEX CONCURRENTLY statement with quoted identifiers), total. $1 text[] schema patterns,
-- $2 how many. pg_relation_size() takes and at once releases an AccessShareLock per table.
WITH fk AS (
  SELECT f.oid, f.conname, f.conrelid, f.confrelid, f.conkey, n.nspname, t.relname, t.reltuples
  FROM pg_constraint f
  JOIN pg_class t ON t.oid = f.conrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE f.contype = 'f'
    AND NOT n.nspname LIKE ANY ($1::text[])
    AND NOT EXISTS (
      SELECT 1 FROM pg_index i
      WHERE i.indrelid = f.conrelid
        AND i.indisvalid
        AND i.indpred IS NULL
        AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(f.conkey)] @> f.conkey
        AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(f.conkey)] <@ f.conkey
    )
),
-- Rank first, name the columns only for the rows shown.
top AS (
  SELECT fk.*, pg_relation_size(fk.conrelid) AS table_bytes, count(*) OVER () AS total
  FROM fk
  ORDER BY table_bytes DESC, fk.reltuples DESC, fk.nspname, fk.relname, fk.conname
  LIMIT $2
)
SELECT
  c.nspname AS schema,
  c.relname AS table_name,
  c.conname AS constraint_name,
  cols.columns,
  c.confrelid::regclass::text AS referenced,
  c.table_bytes,
  GREATEST(c.reltuples, 0)::bigint AS table_rows,
  format(
    'CREATE INDEX CONCURRENTLY ON %I.%I (%s);',
    c.nspname,
    c.relname,
    (SELECT string_agg(quote_ident(x), ', ') FROM unnest(cols.columns) AS x)
  ) AS suggestion,
  c.total
FROM top c
CROSS JOIN LATERAL (
  SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns
  FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
) cols
ORDER BY c.table_bytes DESC, c.reltuples DESC, c.nspname, c.relname, c.conname
