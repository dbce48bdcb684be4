-- The type of public.interactions.id, which decides how a purge pins what was approved: an
-- integer id gets an id ceiling, a uuid gets exact keys (uuids do not grow with time).
-- Returns one row: type (e.g. bigint, uuid), or none when the table or column is missing. No params, no locks.
SELECT format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a
WHERE a.attrelid = to_regclass('public.interactions') AND a.attname = 'id' AND NOT a.attisdropped
