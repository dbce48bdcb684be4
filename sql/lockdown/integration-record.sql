-- Remembers an integration this lockdown switches off (only if it was active). Never
-- overwrites an earlier record. $1 lockdown id, $2 integration id, $3 provider, $4 at
INSERT INTO opsbot.lockdown_integrations (lockdown_id, integration_id, provider, disabled_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING
