-- Every foreign key touching the given tables, in either direction: the rows of other tables
-- that reference them (which a restore must keep valid without replacing those tables), and
-- the parents they reference (which restored rows must still find). Columns in key order.
-- Partition copies of a partitioned table's key are left out (conparentid), the parent counts.
-- Returns: constraint, child_schema, child_name, parent_schema, parent_name, child_columns
-- (text[]), parent_columns (text[]). $1 "schema.name" of the tables (text[]). Catalog reads only.
SELECT con.conname::text AS constraint,
       cn.nspname::text AS child_schema, c.relname::text AS child_name,
       pn.nspname::text AS parent_schema, p.relname::text AS parent_name,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i) AS child_columns,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i) AS parent_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_class p ON p.oid = con.confrelid
JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE con.contype = 'f'
  AND con.conparentid = 0
  AND (cn.nspname || '.' || c.relname = ANY ($1::text[]) OR pn.nspname || '.' || p.relname = ANY ($1::text[]))
ORDER BY cn.nspname, c.relname, con.conname
