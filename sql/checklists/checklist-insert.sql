-- Creates a checklist with its items in one statement. Returns: id.
-- $1 kind, $2 title, $3 description, $4 access, $5 context (jsonb), $6 created_by, $7 created_at,
-- $8 item keys (text[]), $9 item labels (text[]) in display order
WITH c AS (
  INSERT INTO opsbot.checklists (kind, title, description, access, context, created_by, created_at)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
  RETURNING id
), items AS (
  INSERT INTO opsbot.checklist_items (checklist_id, item_key, position, label)
  SELECT c.id, u.k, u.pos::int, u.l
  FROM c, unnest($8::text[], $9::text[]) WITH ORDINALITY AS u(k, l, pos)
  RETURNING 1
)
SELECT id, (SELECT count(*) FROM items) AS items FROM c
