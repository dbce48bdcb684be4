-- What the target database allows in public.user_roles.role, from its own definition.
-- Returns one row: has_column (false when the table or column is missing), type_name (the
-- column's type), enum_labels (text[] in enum order when the type, or the base type of its
-- domains, is an enum; null otherwise), checks (text[]: definitions of the CHECK constraints on
-- the role column alone and on its domains). No parameters. Reads catalogs only; takes no lock.
WITH RECURSIVE col AS (
  SELECT a.attrelid, a.attnum, a.atttypid
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid
  WHERE n.nspname = 'public' AND c.relname = 'user_roles' AND a.attname = 'role' AND NOT a.attisdropped
),
types AS (
  SELECT t.oid, t.typtype, t.typbasetype, 0 AS depth
  FROM col JOIN pg_type t ON t.oid = col.atttypid
  UNION ALL
  SELECT b.oid, b.typtype, b.typbasetype, types.depth + 1
  FROM types JOIN pg_type b ON b.oid = types.typbasetype
  WHERE types.typtype = 'd' AND types.depth < 10
)
SELECT
  EXISTS (SELECT 1 FROM col) AS has_column,
  (SELECT format_type(col.atttypid, NULL) FROM col) AS type_name,
  (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder)
   FROM pg_enum e JOIN types ON e.enumtypid = types.oid AND types.typtype = 'e') AS enum_labels,
  COALESCE(
    (SELECT array_agg(pg_get_constraintdef(k.oid) ORDER BY k.conname)
     FROM pg_constraint k, col
     WHERE k.contype = 'c'
       AND ((k.conrelid = col.attrelid AND k.conkey = ARRAY[col.attnum])
         OR k.contypid IN (SELECT oid FROM types WHERE typtype = 'd'))),
    '{}'
  ) AS checks
