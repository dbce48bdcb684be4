-- Removes the audit entries a drill added (reset). Returns one row (n). $1 drill tag.
WITH del AS (
  DELETE FROM auth.audit_log_entries WHERE (payload -> 'traits') ->> 'drill' = $1::text RETURNING 1
)
SELECT count(*)::int AS n FROM del
