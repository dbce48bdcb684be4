-- Locks the rows of one cascade path until the delete commits, and counts them as node-count.sql
-- does: with every row of the cascade locked, no row can join (an insert or update pointing at a
-- locked row waits for its key-share lock) or leave it before the delete. Returns: n, fingerprint.
-- $1 user id. {{selector}} and {{key}} come from cascade.sql. Row locks FOR UPDATE (waits up to
-- lock_timeout for a row another session holds).
SELECT count(*)::int AS n, COALESCE(md5(string_agg({{key}}, ',' ORDER BY {{key}})), '') AS fingerprint
FROM ({{selector}} FOR UPDATE) AS x
