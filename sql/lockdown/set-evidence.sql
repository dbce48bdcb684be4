-- Marks evidence as preserved. $1 id, $2 at, $3 file (or null), $4 sha256 (or null)
UPDATE opsbot.lockdowns SET evidence_at = $2, evidence_file = $3, evidence_sha256 = $4 WHERE id = $1
