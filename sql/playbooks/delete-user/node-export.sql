-- The rows of one cascade path as JSON, for the safety export taken before the delete.
-- Returns: rows (json array, in key order). $1 user id. {{selector}} and {{key}} come from
-- cascade.sql. No locks of its own (node-lock.sql has locked them in the same transaction).
SELECT COALESCE(json_agg(x ORDER BY {{key}}), '[]'::json) AS rows
FROM ({{selector}}) AS x
