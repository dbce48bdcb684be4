-- Marks secrets the API no longer lists as gone (once). Returns: name. $1 names listed now (text[]), $2 now
UPDATE opsbot.secret_fingerprints SET gone_at = $2
WHERE gone_at IS NULL AND NOT (name = ANY ($1::text[]))
RETURNING name
