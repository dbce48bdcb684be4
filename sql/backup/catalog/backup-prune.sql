-- Marks a succeeded backup as pruned (its files were deleted). Returns: id, or nothing when it
-- was not succeeded any more. $1 id, $2 pruned_at
UPDATE opsbot.backups SET state = 'pruned', pruned_at = $2
WHERE id = $1 AND state = 'succeeded'
RETURNING id
