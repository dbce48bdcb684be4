-- The table `/db rls` tests, found in the catalog by exact schema and table name (never by
-- text turned into SQL). Returns zero rows when there is no such relation, else one row:
-- ident (schema.table, each part quoted with quote_ident, ready to use in a statement), kind
-- (pg_class.relkind), rls_enabled, rls_forced, owner, bypasses_rls (the bot role sees every
-- row: superuser, BYPASSRLS, or owner of a table whose RLS is not forced), pk_columns (quoted
-- primary key column names in key order; empty without a primary key), authenticated_exists,
-- may_set_authenticated (the bot role may SET ROLE authenticated),
-- authenticated_can_select (the role has SELECT on the table or on some of its columns).
-- $1 schema name, $2 table name. No locks beyond catalog reads.
SELECT
  quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS ident,
  c.relkind::text AS kind,
  c.relrowsecurity AS rls_enabled,
  c.relforcerowsecurity AS rls_forced,
  pg_get_userbyid(c.relowner) AS owner,
  (
    r.rolsuper
    OR r.rolbypassrls
    OR (pg_has_role(current_user, c.relowner, 'USAGE') AND NOT c.relforcerowsecurity)
  ) AS bypasses_rls,
  coalesce((
    SELECT array_agg(quote_ident(a.attname) ORDER BY k.ord)
    FROM pg_constraint pk
    CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k (attnum, ord)
    JOIN pg_attribute a ON a.attrelid = pk.conrelid AND a.attnum = k.attnum
    WHERE pk.conrelid = c.oid AND pk.contype = 'p'
  ), '{}') AS pk_columns,
  EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') AS authenticated_exists,
  CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated')
    THEN pg_has_role(current_user, 'authenticated', 'MEMBER') END AS may_set_authenticated,
  CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated')
    THEN has_table_privilege('authenticated', c.oid, 'SELECT')
      OR has_any_column_privilege('authenticated', c.oid, 'SELECT') END AS authenticated_can_select
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_roles r ON r.rolname = current_user
WHERE n.nspname = $1 AND c.relname = $2
