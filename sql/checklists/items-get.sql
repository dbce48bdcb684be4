-- The items of a checklist in display order.
-- Returns: item_key, position, label, checked, checked_by, checked_at. $1 checklist id
SELECT item_key, position, label, checked, checked_by, checked_at
FROM opsbot.checklist_items
WHERE checklist_id = $1
ORDER BY position
