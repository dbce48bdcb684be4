-- Opens a firing episode unless the rule already has one (partial unique index).
-- Returns: every column of the new row; nothing if one was already open.
-- $1 rule_id, $2 severity, $3 title, $4 value, $5 threshold, $6 advice, $7 breaches, $8 fired_at, $9 held_window
INSERT INTO opsbot.alerts (rule_id, severity, title, value, threshold, advice, breaches, fired_at, held_window)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (rule_id) WHERE recovered_at IS NULL DO NOTHING
RETURNING *
