-- What deleting one auth.users row touches, found from the catalog's foreign keys (pg_constraint),
-- not from a hand-written list: every foreign key that references auth.users, and, for those that
-- ON DELETE CASCADE, every foreign key that references the rows they delete, and so on (at most 8
-- levels deep, each constraint once per path, so a self-reference cannot loop). Inherited
-- constraints of partitions (conparentid <> 0) are skipped: their parent constraint covers them.
-- Plus the one link GoTrue keeps without a foreign key: legacy refresh tokens (auth.refresh_tokens
-- with user_id as text and no session), which a delete would orphan, so the run deletes them too.
-- Returns one row per path: depth (0 = the user row), tbl ("schema.table" for people), via (the
-- constraint chain), action ('delete' | 'set null' | 'set default' | 'blocks' | 'delete-explicit'),
-- selector (a SELECT of the path's rows whose only parameter is $1, the user id, and whose
-- identifiers are escaped here with format('%I')), key (an expression over alias x that names a row:
-- its primary key, or the whole row when the table has none). No parameters. No locks.
WITH RECURSIVE cols AS (
  SELECT c.oid AS con,
         (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY k.ord)
            FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS fk_cols,
         (SELECT string_agg(format('%I', a.attname), ', ' ORDER BY k.ord)
            FROM unnest(c.confkey) WITH ORDINALITY AS k (attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_cols
  FROM pg_constraint c
  WHERE c.contype = 'f' AND c.conparentid = 0
),
node AS (
  SELECT 0 AS depth,
         to_regclass('auth.users')::oid AS rel,
         ARRAY[]::oid[] AS path,
         'delete'::text AS action,
         'SELECT * FROM auth.users WHERE id = $1::uuid'::text AS selector,
         'the user'::text AS via
  WHERE to_regclass('auth.users') IS NOT NULL
  UNION ALL
  SELECT n.depth + 1,
         c.conrelid,
         n.path || c.oid,
         CASE c.confdeltype WHEN 'c' THEN 'delete' WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' ELSE 'blocks' END,
         format('SELECT * FROM %I.%I WHERE (%s) IN (SELECT %s FROM (%s) AS p%s)', ns.nspname, cl.relname, k.fk_cols, k.ref_cols, n.selector, n.depth)::text COLLATE "default",
         (CASE WHEN n.depth = 0 THEN c.conname::text ELSE n.via || ' → ' || c.conname::text END) COLLATE "default"
  FROM node n
  JOIN pg_constraint c ON c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = n.rel
  JOIN cols k ON k.con = c.oid
  JOIN pg_class cl ON cl.oid = c.conrelid
  JOIN pg_namespace ns ON ns.oid = cl.relnamespace
  WHERE n.action = 'delete' AND NOT c.oid = ANY (n.path) AND n.depth < 8
),
legacy AS (
  SELECT 1 AS depth,
         to_regclass('auth.refresh_tokens')::oid AS rel,
         ARRAY[]::oid[] AS path,
         'delete-explicit'::text AS action,
         'SELECT * FROM auth.refresh_tokens WHERE user_id = $1::text AND session_id IS NULL'::text AS selector,
         'user_id (text, no foreign key), tokens without a session'::text AS via
  WHERE to_regclass('auth.refresh_tokens') IS NOT NULL
    AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = to_regclass('auth.refresh_tokens') AND a.attname IN ('user_id', 'session_id') AND NOT a.attisdropped) = 2
)
SELECT a.depth,
       ns.nspname || '.' || cl.relname AS tbl,
       a.via,
       a.action,
       a.selector,
       COALESCE((SELECT 'ROW(' || string_agg(format('x.%I', att.attname), ', ' ORDER BY k.ord) || ')::text'
                   FROM pg_constraint pk
                   CROSS JOIN LATERAL unnest(pk.conkey) WITH ORDINALITY AS k (attnum, ord)
                   JOIN pg_attribute att ON att.attrelid = pk.conrelid AND att.attnum = k.attnum
                  WHERE pk.conrelid = a.rel AND pk.contype = 'p'), 'x::text') AS key
FROM (SELECT * FROM node UNION ALL SELECT * FROM legacy) a
JOIN pg_class cl ON cl.oid = a.rel
JOIN pg_namespace ns ON ns.oid = cl.relnamespace
ORDER BY a.depth, tbl, a.via
