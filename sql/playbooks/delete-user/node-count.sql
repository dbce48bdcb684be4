-- The rows of one cascade path (see cascade.sql): how many, and a digest of which (their keys,
-- sorted), so the same count of other rows is told apart. Returns: n, fingerprint.
-- $1 user id. {{selector}} and {{key}} come from cascade.sql (identifiers escaped there). No locks.
SELECT count(*)::int AS n, COALESCE(md5(string_agg({{key}}, ',' ORDER BY {{key}})), '') AS fingerprint
FROM ({{selector}}) AS x
