-- Tables whose rows a backup holds, as pg_dump selects them: ordinary tables and partitions,
-- not temporary, not members of an extension, outside the excluded schemas. `by_value` says
-- whether every column's type hashes by value and identically in a restored copy (plain
-- built-in types, domains over them, arrays of them): only then may the checksum hash the
-- column values; enums (hashed by label OID, which a restore changes), json, geometric and
-- extension types are hashed through the row's text instead.
-- Returns: schema, name, by_value. $1 excluded schemas (text[]), $2 only these "schema.name" (text[], or null for all)
SELECT n.nspname AS schema, c.relname AS name,
       NOT EXISTS (
         SELECT 1
         FROM pg_attribute a
         JOIN pg_type ty ON ty.oid = a.atttypid
         JOIN pg_type base ON base.oid = CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE ty.oid END
         JOIN pg_type elem ON elem.oid = CASE WHEN base.typcategory = 'A' AND base.typelem <> 0 THEN base.typelem ELSE base.oid END
         JOIN pg_namespace en ON en.oid = elem.typnamespace
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND NOT (en.nspname = 'pg_catalog' AND elem.typname = ANY (ARRAY[
             'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar',
             'uuid', 'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval', 'jsonb', 'bytea',
             'inet', 'cidr', 'macaddr', 'macaddr8']))
       ) AS by_value
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND c.relpersistence <> 't'
  AND n.nspname <> ALL ($1::text[])
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
  AND ($2::text[] IS NULL OR n.nspname || '.' || c.relname = ANY ($2::text[]))
ORDER BY n.nspname, c.relname
