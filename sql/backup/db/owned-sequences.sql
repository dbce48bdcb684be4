-- Sequences owned by the given tables (serial and identity columns), whose values a restore
-- sets back with the rows. Returns: schema, name. $1 "schema.name" of the tables (text[])
SELECT sn.nspname AS schema, s.relname AS name
FROM pg_depend d
JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
WHERE d.classid = 'pg_class'::regclass
  AND d.refclassid = 'pg_class'::regclass
  AND d.deptype IN ('a', 'i')
  AND tn.nspname || '.' || t.relname = ANY ($1::text[])
ORDER BY 1, 2
