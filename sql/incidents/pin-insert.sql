-- Claims a person's message for the timeline, once per (incident, message ts). Returns: the
-- message ts, or none when it was added before. $1 incident id, $2 message ts, $3 channel id,
-- $4 pinned_by, $5 pinned_at
INSERT INTO opsbot.incident_pins (incident_id, message_ts, channel_id, pinned_by, pinned_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (incident_id, message_ts) DO NOTHING
RETURNING message_ts
