-- Makes the installed pg_stat_statements resolvable by name for the rest of this read-only
-- transaction, without interpolating its schema into any statement: the schema is a parameter,
-- quoted by quote_ident. pg_catalog stays first so nothing in that schema can shadow a catalog
-- object. Returns one row: search_path. $1 schema of the extension. No locks.
SELECT set_config('search_path', 'pg_catalog, ' || quote_ident($1::text), true) AS search_path
