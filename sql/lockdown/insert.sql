-- Opens a lockdown in state 'starting'; the unique index allows only one open lockdown, so
-- ON CONFLICT returns nothing when another is open. Returns the row.
-- $1 id, $2 reason, $3 channel, $4 started_by, $5 approved_by, $6 break_glass, $7 created_at, $8 start_request_id
INSERT INTO opsbot.lockdowns (id, state, reason, channel, started_by, approved_by, break_glass, created_at, start_request_id)
VALUES ($1, 'starting', $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT DO NOTHING
RETURNING *
