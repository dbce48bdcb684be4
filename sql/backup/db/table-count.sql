-- Exact row count of one table (restore previews and the count after a restore).
-- Takes ACCESS SHARE on the table. Returns: n. {{table}}: the table, escaped as an identifier.
SELECT count(*)::bigint AS n FROM {{table}}
