-- The stakeholder updates of an incident, oldest first. Returns: rows. $1 incident id
SELECT * FROM opsbot.incident_updates WHERE incident_id = $1 ORDER BY at, id
