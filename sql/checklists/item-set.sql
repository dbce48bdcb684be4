-- Ticks or unticks one item, bumps the revision and records the event with that revision, all
-- only if the state actually changes (a second click on an already ticked item records
-- nothing). The item row lock serialises clicks on one item; the checklist row lock orders the
-- revisions. Returns: changed (int 0/1), revision.
-- $1 checklist id, $2 item key, $3 checked (boolean), $4 user id, $5 at
WITH changed AS (
  UPDATE opsbot.checklist_items
  SET checked = $3::boolean,
      checked_by = CASE WHEN $3::boolean THEN $4 ELSE NULL END,
      checked_at = CASE WHEN $3::boolean THEN $5::timestamptz ELSE NULL END
  WHERE checklist_id = $1 AND item_key = $2 AND checked IS DISTINCT FROM $3::boolean
  RETURNING checklist_id, item_key
), bump AS (
  UPDATE opsbot.checklists SET revision = revision + 1
  WHERE id = $1 AND EXISTS (SELECT 1 FROM changed)
  RETURNING revision
), ev AS (
  INSERT INTO opsbot.checklist_events (checklist_id, item_key, action, user_id, at, revision)
  SELECT c.checklist_id, c.item_key, CASE WHEN $3::boolean THEN 'ticked' ELSE 'unticked' END, $4, $5::timestamptz, b.revision
  FROM changed c, bump b
  RETURNING 1
)
SELECT (SELECT count(*) FROM ev)::int AS changed, (SELECT revision FROM bump) AS revision
