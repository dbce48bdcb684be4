-- Integrations recorded by a lockdown. Returns: integration_id, provider, disabled_at, reenabled_at. $1 lockdown id
SELECT integration_id, provider, disabled_at, reenabled_at
FROM opsbot.lockdown_integrations WHERE lockdown_id = $1 ORDER BY disabled_at, integration_id
