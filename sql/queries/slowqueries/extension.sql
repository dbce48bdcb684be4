-- Where pg_stat_statements lives in this database and whether the bot can use it; the
-- installed view's columns decide how statements.sql's version-specific pieces are filled.
-- Returns one row: installed_schema (NULL when not installed), schema_ident (quoted for a
-- GRANT), installed_version,
-- available_version (NULL when the server does not ship it), preloaded (NULL when the bot may
-- not read shared_preload_libraries), schema_usage, read_all_stats (sees other roles' query
-- text), has_exec_time (1.8+), has_toplevel (1.9+), has_shared_blk_time (1.11+), has_info
-- (pg_stat_statements_info, 1.9+), extensions_schema (a schema named extensions exists, as on
-- Supabase), role_ident (current_user, quoted for a GRANT), max_entries, columns (the view's
-- column names, sorted; NULL when not installed).
-- No parameters. Reads catalogs only; takes no locks on user tables.
WITH ext AS (
  SELECT e.extversion, e.extnamespace, n.nspname
  FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace
  WHERE e.extname = 'pg_stat_statements'
),
view_cols AS (
  SELECT a.attname
  FROM ext
  JOIN pg_class c ON c.relnamespace = ext.extnamespace AND c.relname = 'pg_stat_statements'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
)
SELECT
  (SELECT nspname FROM ext) AS installed_schema,
  (SELECT quote_ident(nspname) FROM ext) AS schema_ident,
  (SELECT extversion FROM ext) AS installed_version,
  (SELECT default_version FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available_version,
  (SELECT 'pg_stat_statements' = ANY (string_to_array(replace(setting, ' ', ''), ','))
     FROM pg_settings WHERE name = 'shared_preload_libraries') AS preloaded,
  COALESCE((SELECT has_schema_privilege(extnamespace, 'USAGE') FROM ext), false) AS schema_usage,
  pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
  EXISTS (SELECT 1 FROM view_cols WHERE attname = 'total_exec_time') AS has_exec_time,
  EXISTS (SELECT 1 FROM view_cols WHERE attname = 'toplevel') AS has_toplevel,
  EXISTS (SELECT 1 FROM view_cols WHERE attname = 'shared_blk_read_time') AS has_shared_blk_time,
  EXISTS (
    SELECT 1 FROM ext JOIN pg_class c ON c.relnamespace = ext.extnamespace AND c.relname = 'pg_stat_statements_info'
  ) AS has_info,
  EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'extensions') AS extensions_schema,
  quote_ident(current_user) AS role_ident,
  (SELECT setting FROM pg_settings WHERE name = 'pg_stat_statements.max') AS max_entries,
  (SELECT array_agg(attname::text ORDER BY attname) FROM view_cols) AS columns
