-- Every function secret the bot has seen. Returns: name, salt, digest, first_seen_at, changed_at,
-- last_seen_at, gone_at. No parameters.
SELECT name, salt, digest, first_seen_at, changed_at, last_seen_at, gone_at FROM opsbot.secret_fingerprints ORDER BY name
