-- Redundant indexes: an index whose key columns (with the same operator classes, collations
-- and sort options, the same expressions and the same predicate) are identical to, or a
-- leading prefix of, another valid index of the same type on the same table. Prefix cover only
-- counts for btree. The redundant one is never a primary key, and never unique unless the other
-- is an identical unique index; one with INCLUDE columns is never called redundant.
-- Outside the Supabase-managed schemas ($1, LIKE patterns). Returns up to $2 rows, largest
-- first: schema, table_name, index_name, covered_by, identical, index_bytes, definition,
-- covered_by_definition, total. $1 text[] schema patterns, $2 how many.
-- pg_relation_size() takes and at once releases an AccessShareLock per listed index.
WITH idx AS (
  SELECT
    i.indexrelid,
    i.indrelid,
    c.relam,
    i.indisunique,
    i.indisprimary,
    i.indnkeyatts,
    i.indnatts,
    (string_to_array(i.indkey::text, ' ')::int2[])[1:i.indnkeyatts] AS keys,
    (string_to_array(i.indclass::text, ' ')::oid[])[1:i.indnkeyatts] AS opclasses,
    (string_to_array(i.indcollation::text, ' ')::oid[])[1:i.indnkeyatts] AS collations,
    (string_to_array(i.indoption::text, ' ')::int2[])[1:i.indnkeyatts] AS options,
    pg_get_expr(i.indexprs, i.indrelid) AS exprs,
    pg_get_expr(i.indpred, i.indrelid) AS pred
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE i.indisvalid
    AND t.relkind IN ('r', 'm', 'p')
    AND NOT n.nspname LIKE ANY ($1::text[])
    AND n.nspname !~ '^pg_(toast|temp_)'
),
pairs AS (
  SELECT DISTINCT ON (a.indexrelid)
    a.indexrelid,
    b.indexrelid AS covering,
    a.indnkeyatts = b.indnkeyatts AS identical
  FROM idx a
  JOIN idx b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
  WHERE a.indnatts = a.indnkeyatts
    AND NOT a.indisprimary
    AND a.indnkeyatts <= b.indnkeyatts
    AND b.keys[1:a.indnkeyatts] = a.keys
    AND b.opclasses[1:a.indnkeyatts] = a.opclasses
    AND b.collations[1:a.indnkeyatts] = a.collations
    AND b.options[1:a.indnkeyatts] = a.options
    AND a.exprs IS NOT DISTINCT FROM b.exprs
    AND a.pred IS NOT DISTINCT FROM b.pred
    AND (a.indnkeyatts = b.indnkeyatts OR a.relam = (SELECT oid FROM pg_am WHERE amname = 'btree'))
    AND (NOT a.indisunique OR (b.indisunique AND a.indnkeyatts = b.indnkeyatts))
    -- Of two identical indexes report one: keep the primary key or unique one, else the older.
    AND NOT (
      a.indnkeyatts = b.indnkeyatts
      AND NOT b.indisprimary
      AND b.indisunique = a.indisunique
      AND b.indexrelid > a.indexrelid
    )
  ORDER BY a.indexrelid, b.indnkeyatts DESC, b.indexrelid
),
listed AS (
  SELECT p.*, pg_relation_size(p.indexrelid) AS index_bytes, count(*) OVER () AS total
  FROM pairs p
)
SELECT
  n.nspname AS schema,
  t.relname AS table_name,
  ia.relname AS index_name,
  ib.relname AS covered_by,
  l.identical,
  l.index_bytes,
  pg_get_indexdef(l.indexrelid) AS definition,
  pg_get_indexdef(l.covering) AS covered_by_definition,
  l.total
FROM listed l
JOIN pg_class ia ON ia.oid = l.indexrelid
JOIN pg_class ib ON ib.oid = l.covering
JOIN pg_index x ON x.indexrelid = l.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
ORDER BY l.index_bytes DESC, n.nspname, ia.relname
LIMIT $2
