-- Exact row count and content checksum of one table: the sum of a 64-bit hash of each row,
-- which does not depend on row order, so the source and a restored copy compare equal exactly
-- when they hold the same rows. Run after stat-settings. Takes ACCESS SHARE on the table.
-- Returns: n, checksum (decimal text).
-- {{table}}: the table, escaped as an identifier; {{row_hash}}: one of the two row-hash
-- expressions of src/backup/pg-client.ts (hash_record_extended over the column values, or the
-- hash of the row's text for tables with a column type that has no hash function, e.g. json).
SELECT count(*)::bigint AS n, coalesce(sum({{row_hash}}), 0)::text AS checksum
FROM {{table}} AS t
