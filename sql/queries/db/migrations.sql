-- Applied Supabase CLI migrations (supabase_migrations.schema_migrations), newest version
-- first. Columns are read through to_jsonb, so a table without `name` or `inserted_at` (older
-- CLI versions) still answers with nulls. Returns up to $1 rows: version, name, inserted_at
-- (null when not recorded), has_inserted_at, total (all rows), recent (rows whose inserted_at
-- is within $2 seconds before $3).
-- $1 rows returned, $2 window in seconds, $3 now (timestamptz, from the bot's clock).
-- Locks: ACCESS SHARE on supabase_migrations.schema_migrations (a plain read). An absent table
-- fails with 42P01, which the section reports as missing.
WITH r AS (
  SELECT
    j ->> 'version' AS version,
    j ->> 'name' AS name,
    CASE WHEN j ? 'inserted_at' THEN (j ->> 'inserted_at')::timestamptz END AS inserted_at,
    j ? 'inserted_at' AS has_inserted_at
  FROM (SELECT to_jsonb(t) AS j FROM supabase_migrations.schema_migrations t) m
)
SELECT
  version,
  name,
  inserted_at,
  has_inserted_at,
  count(*) OVER () AS total,
  count(*) FILTER (WHERE inserted_at > $3::timestamptz - make_interval(secs => $2::int)) OVER () AS recent
FROM r
ORDER BY version DESC
LIMIT $1
