-- Stores one kind of evidence once; a retry does not replace what was captured first.
-- $1 lockdown id, $2 kind, $3 captured_at, $4 row_count, $5 rows (json text)
INSERT INTO opsbot.lockdown_evidence (lockdown_id, kind, captured_at, row_count, rows)
VALUES ($1, $2, $3, $4, $5::json)
ON CONFLICT (lockdown_id, kind) DO NOTHING
