-- Evidence: the integrations' current state (config values are not copied: they hold secrets).
-- Returns one row: n, rows (JSON text: id, organization_id, provider, active, updated_at, config_keys).
-- Aggregated to one JSON text on the server: 100,000 sessions move as one value, not 100,000 rows.
SELECT count(*) AS n, COALESCE(json_agg(e)::text, '[]') AS rows
FROM (
SELECT id, organization_id, provider, active, updated_at,
  COALESCE((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(config) AS k), '{}') AS config_keys
FROM public.integrations
ORDER BY provider, id
) e
