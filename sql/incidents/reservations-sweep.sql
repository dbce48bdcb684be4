-- Removes reservations whose channel never came (channel_id NULL, declared before the cut-off):
-- the declaring replica crashed or gave up without abandon(). A late attachChannel then finds no
-- reservation. Returns: id, title, severity, kind, declared_by of each removed row.
-- $1 cut-off. Takes row locks on the removed rows.
DELETE FROM opsbot.incidents
WHERE channel_id IS NULL AND declared_at < $1
RETURNING id, title, severity, kind, declared_by
