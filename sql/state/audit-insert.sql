-- Appends one audit row. Returns: id, at.
-- $1 actor, $2 action, $3 target, $4 channel, $5 outcome, $6 detail (jsonb)
INSERT INTO opsbot.audit_log (actor, action, target, channel, outcome, detail)
VALUES ($1, $2, $3, $4, $5, $6::jsonb)
RETURNING id, at
