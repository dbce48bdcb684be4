-- The row-level security policies on the table `/db rls` tests (pg_policies), in name order.
-- Returns one row per policy: name, permissive ('PERMISSIVE' or 'RESTRICTIVE'), roles (text[]),
-- cmd (ALL, SELECT, INSERT, UPDATE, DELETE), qual (the USING expression, or null), with_check
-- (the WITH CHECK expression, or null), for_authenticated (it applies to the authenticated role:
-- named, or PUBLIC).
-- $1 schema name, $2 table name. No locks beyond catalog reads.
SELECT
  p.policyname AS name,
  p.permissive,
  p.roles::text[] AS roles,
  p.cmd,
  p.qual,
  p.with_check,
  ('authenticated' = ANY (p.roles) OR 'public' = ANY (p.roles)) AS for_authenticated
FROM pg_policies p
WHERE p.schemaname = $1 AND p.tablename = $2
ORDER BY p.policyname
