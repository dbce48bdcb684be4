-- Evidence: the integrations' current state (config values are not copied: they hold secrets).
-- Returns: id, organization_id, provider, active, updated_at, config_keys.
SELECT id, organization_id, provider, active, updated_at,
  COALESCE((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(config) AS k), '{}') AS config_keys
FROM public.integrations
ORDER BY provider, id
