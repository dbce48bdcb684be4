-- The newest checklist of a kind whose context contains the given keys (e.g. the pre-maintenance
-- checklist of one window). Returns: id. $1 kind, $2 context subset (jsonb)
SELECT id
FROM opsbot.checklists
WHERE kind = $1 AND context @> $2::jsonb
ORDER BY id DESC
LIMIT 1
