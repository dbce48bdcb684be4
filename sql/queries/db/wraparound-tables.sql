-- The current database's user tables (system catalogs left out: only a superuser vacuums them)
-- with the oldest unfrozen transaction IDs (the table's or its TOAST table's, whichever is
-- older): the ones an anti-wraparound VACUUM must freeze first.
-- Returns up to $1 rows, oldest first: schema, name, xid_age, mxid_age, last_vacuum,
-- last_autovacuum. $1 how many. Reads catalogs only; no locks on user tables.
SELECT
  n.nspname AS schema,
  c.relname AS name,
  GREATEST(age(c.relfrozenxid), CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE age(tc.relfrozenxid) END) AS xid_age,
  mxid_age(c.relminmxid) AS mxid_age,
  s.last_vacuum,
  s.last_autovacuum
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
ORDER BY xid_age DESC, n.nspname, c.relname
LIMIT $1
