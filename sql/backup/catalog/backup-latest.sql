-- The newest succeeded backup of the given kinds. Returns: the row, or nothing.
-- $1 kinds (text[]), $2 only verified ones (boolean)
SELECT * FROM opsbot.backups
WHERE state = 'succeeded' AND kind = ANY ($1::text[]) AND (NOT $2 OR verify_state = 'passed')
ORDER BY started_at DESC, id DESC
LIMIT 1
