-- Every index of the tables the runbook's indexes go on, described by definition, so an
-- equivalent index under another name counts as present and one that only shares a name does not.
-- Returns one row per (table, index), or one row with index_name null for a table without
-- indexes or missing: table_name (as given), table_exists, columns (text[] of the table),
-- index_name, method, is_unique, key_columns (text[] in key order; null entries for expressions),
-- descending (bool[]), nulls_first (bool[]), default_ops (every key column uses its type's default
-- operator class and the column's collation), has_expressions, predicate (deparsed WHERE or null),
-- valid, ready, definition.
-- $1 table names, schema-qualified (text[]). Reads catalogs only; takes no lock on the tables.
WITH t AS (
  SELECT g.name AS table_name, c.oid
  FROM unnest($1::text[]) AS g(name)
  LEFT JOIN pg_namespace s ON s.nspname = split_part(g.name, '.', 1)
  LEFT JOIN pg_class c ON c.relnamespace = s.oid AND c.relname = split_part(g.name, '.', 2) AND c.relkind IN ('r', 'p')
),
idx AS (
  SELECT
    i.indrelid,
    i.indexrelid,
    ic.relname::text AS index_name,
    am.amname::text AS method,
    i.indisunique,
    i.indisvalid,
    i.indisready,
    (string_to_array(i.indkey::text, ' ')::int2[])[1:i.indnkeyatts] AS keys,
    (string_to_array(i.indclass::text, ' ')::oid[])[1:i.indnkeyatts] AS opclasses,
    (string_to_array(i.indcollation::text, ' ')::oid[])[1:i.indnkeyatts] AS collations,
    (string_to_array(i.indoption::text, ' ')::int2[])[1:i.indnkeyatts] AS options,
    i.indexprs IS NOT NULL AS has_expressions,
    pg_get_expr(i.indpred, i.indrelid) AS predicate
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  WHERE i.indrelid IN (SELECT oid FROM t WHERE oid IS NOT NULL)
)
SELECT
  t.table_name,
  t.oid IS NOT NULL AS table_exists,
  (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
  idx.index_name,
  idx.method,
  idx.indisunique AS is_unique,
  (SELECT array_agg(a.attname::text ORDER BY k.ord)
   FROM unnest(idx.keys) WITH ORDINALITY AS k(attnum, ord)
   LEFT JOIN pg_attribute a ON a.attrelid = idx.indrelid AND a.attnum = k.attnum) AS key_columns,
  (SELECT array_agg((k.o & 1) <> 0 ORDER BY k.ord) FROM unnest(idx.options) WITH ORDINALITY AS k(o, ord)) AS descending,
  (SELECT array_agg((k.o & 2) <> 0 ORDER BY k.ord) FROM unnest(idx.options) WITH ORDINALITY AS k(o, ord)) AS nulls_first,
  COALESCE(
    (SELECT bool_and(oc.opcdefault AND (k.coll = 0 OR k.coll = a.attcollation))
     FROM unnest(idx.opclasses, idx.collations, idx.keys) AS k(opc, coll, attnum)
     JOIN pg_opclass oc ON oc.oid = k.opc
     LEFT JOIN pg_attribute a ON a.attrelid = idx.indrelid AND a.attnum = k.attnum),
    false
  ) AS default_ops,
  idx.has_expressions,
  idx.predicate,
  idx.indisvalid AS valid,
  idx.indisready AS ready,
  pg_get_indexdef(idx.indexrelid) AS definition
FROM t
LEFT JOIN idx ON idx.indrelid = t.oid
ORDER BY t.table_name, idx.index_name
