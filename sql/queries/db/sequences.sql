-- Sequences by how much of their range is used, against the smaller of the sequence's own
-- limit and the type of the column it feeds (the classic incident is an integer column fed by
-- a bigint sequence: the column overflows at 2,147,483,647). Columns are found through
-- ownership (serial, identity) and through nextval() defaults.
-- Returns up to $1 rows, fullest first: schema, name, last_value (NULL = never used or not
-- readable by the bot), limit_value, used_pct, column_ref (table.column or NULL), column_type,
-- readable, unreadable (sequences the bot may not read, in all). $1 how many.
-- Reading last_value (pg_sequences) locks each readable sequence (RowExclusiveLock, which
-- nextval also takes) until the transaction ends: run it last. No locks on tables.
WITH feeds AS (
  -- serial and identity columns own their sequence
  SELECT d.objid AS seqid, a.attrelid, a.attname, a.atttypid
  FROM pg_depend d
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
    AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
  UNION
  -- nextval('seq') defaults depend on the sequence
  SELECT d.refobjid, a.attrelid, a.attname, a.atttypid
  FROM pg_depend d
  JOIN pg_attrdef ad ON ad.oid = d.objid
  JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
  WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
),
col AS (
  SELECT DISTINCT ON (f.seqid)
    f.seqid,
    format('%s.%s', f.attrelid::regclass, quote_ident(f.attname)) AS column_ref,
    format_type(f.atttypid, NULL) AS column_type,
    CASE f.atttypid
      WHEN 'int2'::regtype THEN 32767::numeric
      WHEN 'int4'::regtype THEN 2147483647::numeric
      WHEN 'int8'::regtype THEN 9223372036854775807::numeric
    END AS type_max
  FROM feeds f
  JOIN pg_class sc ON sc.oid = f.seqid AND sc.relkind = 'S'
  ORDER BY f.seqid, type_max NULLS LAST
),
seq AS (
  SELECT
    s.schemaname,
    s.sequencename,
    s.last_value,
    s.increment_by,
    CASE WHEN s.increment_by > 0 THEN LEAST(s.max_value::numeric, COALESCE(col.type_max, s.max_value::numeric))
         ELSE GREATEST(s.min_value::numeric, COALESCE(-col.type_max - 1, s.min_value::numeric)) END AS limit_value,
    col.column_ref,
    col.column_type,
    has_sequence_privilege(c.oid, 'SELECT') OR has_sequence_privilege(c.oid, 'USAGE') AS readable
  FROM pg_sequences s
  JOIN pg_namespace n ON n.nspname = s.schemaname
  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
  LEFT JOIN col ON col.seqid = c.oid
)
SELECT
  schemaname AS schema,
  sequencename AS name,
  last_value,
  limit_value,
  round(100 * last_value::numeric / NULLIF(limit_value, 0), 2) AS used_pct,
  column_ref,
  column_type,
  readable,
  count(*) FILTER (WHERE NOT readable) OVER () AS unreadable
FROM seq
ORDER BY used_pct DESC NULLS LAST, schemaname, sequencename
LIMIT $1
