-- Stores the postmortem draft of an incident once; nothing when one is stored already.
-- Returns: the stored row, or none. $1 incident id, $2 source, $3 offline_reason, $4 markdown, $5 created_at
INSERT INTO opsbot.incident_postmortems (incident_id, source, offline_reason, markdown, created_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (incident_id) DO NOTHING
RETURNING *
