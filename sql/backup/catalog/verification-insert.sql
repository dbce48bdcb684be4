-- Records the verdict of one verification. Returns: id.
-- $1 backup_id, $2 verified_by, $3 started_at, $4 finished_at, $5 verdict, $6 restore_ms, $7 checks (json)
INSERT INTO opsbot.backup_verifications (backup_id, verified_by, started_at, finished_at, verdict, restore_ms, checks)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
RETURNING id
