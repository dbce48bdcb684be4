-- Records a stakeholder update. Returns: the new row.
-- $1 incident id, $2 posted_by, $3 at, $4 status, $5 impact, $6 next_steps, $7 next_update_minutes
INSERT INTO opsbot.incident_updates (incident_id, posted_by, at, status, impact, next_steps, next_update_minutes)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *
