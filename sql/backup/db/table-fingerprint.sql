-- Exact row count of one table and a digest of exactly which row versions it holds (every row's
-- ctid and xmin: an insert, update or delete changes it), so a restore preview can tell, when
-- the run starts, that the rows it would replace are still the ones the approvers saw.
-- Takes ACCESS SHARE on the table. Returns: n, digest (text). {{table}}: the table, escaped as an identifier.
SELECT count(*)::bigint AS n, COALESCE(sum(hashtext(t.ctid::text || '/' || t.xmin::text)::bigint), 0)::text AS digest FROM {{table}} t
