-- Indexes never scanned since the statistics were reset, at least $2 bytes, outside the
-- Supabase-managed schemas ($1, LIKE patterns). Unique, primary-key and exclusion indexes are
-- left out (they enforce constraints), so are indexes of extension-owned tables and invalid
-- ones (see indexes-invalid.sql). Usage on read replicas is not visible here.
-- Returns up to $3 rows, largest first: schema, table_name, index_name, index_bytes,
-- table_rows, backs_fk (the only index covering a foreign key: dropping it slows parent
-- deletes), definition, total (in all). $1 text[] schema patterns, $2 min bytes, $3 how many.
-- pg_relation_size() takes and at once releases an AccessShareLock per index.
WITH candidates AS (
  SELECT
    s.schemaname,
    s.relname,
    s.indexrelname,
    s.indexrelid,
    s.relid,
    i.indkey,
    pg_relation_size(s.indexrelid) AS index_bytes
  FROM pg_stat_user_indexes s
  JOIN pg_index i ON i.indexrelid = s.indexrelid
  WHERE s.idx_scan = 0
    AND NOT i.indisunique
    AND NOT i.indisprimary
    AND NOT i.indisexclusion
    AND i.indisvalid
    AND NOT s.schemaname LIKE ANY ($1::text[])
    AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = s.relid AND d.deptype = 'e'
    )
),
sized AS (
  SELECT c.*, count(*) OVER () AS total
  FROM candidates c
  WHERE c.index_bytes >= $2
)
SELECT
  z.schemaname AS schema,
  z.relname AS table_name,
  z.indexrelname AS index_name,
  z.index_bytes,
  GREATEST(t.reltuples, 0)::bigint AS table_rows,
  EXISTS (
    SELECT 1 FROM pg_constraint f
    WHERE f.contype = 'f' AND f.conrelid = z.relid
      AND (string_to_array(z.indkey::text, ' ')::int2[])[1:cardinality(f.conkey)] @> f.conkey
      AND NOT EXISTS (
        SELECT 1 FROM pg_index o
        WHERE o.indrelid = z.relid AND o.indexrelid <> z.indexrelid AND o.indisvalid AND o.indpred IS NULL
          AND (string_to_array(o.indkey::text, ' ')::int2[])[1:cardinality(f.conkey)] @> f.conkey
      )
  ) AS backs_fk,
  pg_get_indexdef(z.indexrelid) AS definition,
  z.total
FROM sized z
JOIN pg_class t ON t.oid = z.relid
ORDER BY z.index_bytes DESC, z.schemaname, z.indexrelname
LIMIT $3
