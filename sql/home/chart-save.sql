-- The new image of chart $1 is uploaded: it becomes the current one, the current one the
-- previous, and the lease is released.
-- Returns: dropped, the file id pushed out (to delete in Slack), or NULL.
-- $1 chart name, $2 file id, $3 alt text, $4 title, $5 figures, $6 newest sample, $7 rendered at
-- Locks: the chart's row, FOR UPDATE, for the statement only.
UPDATE opsbot.home_charts c
SET previous_file_id = c.file_id, file_id = $2, alt = $3, title = $4, figures = $5,
    newest_sample_at = $6, rendered_at = $7, lease_until = '-infinity', last_error = NULL
FROM (SELECT previous_file_id FROM opsbot.home_charts WHERE name = $1 FOR UPDATE) old
WHERE c.name = $1
RETURNING CASE WHEN old.previous_file_id IS DISTINCT FROM $2 THEN old.previous_file_id END AS dropped
