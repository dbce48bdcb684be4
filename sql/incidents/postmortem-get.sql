-- The stored postmortem draft of an incident. Returns: the row, or none. $1 incident id
SELECT * FROM opsbot.incident_postmortems WHERE incident_id = $1
