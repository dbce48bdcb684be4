-- Blocking in the current database: every session waiting on a heavyweight lock, and every
-- session it waits for, so the caller can build chains with the root blocker first. Uses
-- pg_blocking_pids(), so relation-level waits (an ALTER TABLE queued behind a long SELECT, and
-- everything queued behind the ALTER) are found, not only row-lock (transaction-id) waits.
-- Returns one row per participant: pid, blocked_by (int[] of direct blockers; empty for a
-- session that only blocks), role, application, client, state, backend_type, wait_event_type,
-- wait_event, xact_s, state_s, wait_s (since pg_locks.waitstart on PG14+, else since its
-- statement started), waiting_mode, waiting_locktype, waiting_target, held (text[] "mode on
-- target" of granted locks that others in the list wait for), query, own (application_name
-- opsbot…). No parameters. pg_lock_status() is read once; pg_blocking_pids() briefly takes the
-- lock manager's locks and is only called for sessions waiting on a Lock.
WITH locks AS MATERIALIZED (
  SELECT
    l.*,
    to_jsonb(l) ->> 'waitstart' AS waitstart_text,
    CASE l.locktype
      WHEN 'relation' THEN l.relation::regclass::text
      WHEN 'tuple' THEN format('row (%s,%s) of %s', l.page, l.tuple, l.relation::regclass)
      WHEN 'page' THEN format('page %s of %s', l.page, l.relation::regclass)
      WHEN 'extend' THEN format('extension of %s', l.relation::regclass)
      WHEN 'transactionid' THEN format('transaction %s', l.transactionid)
      WHEN 'virtualxid' THEN format('virtual transaction %s', l.virtualxid)
      WHEN 'advisory' THEN format('advisory lock %s:%s', l.classid, l.objid)
      WHEN 'object' THEN format('object %s of %s', l.objid, l.classid::regclass)
      ELSE l.locktype
    END AS target
  FROM pg_locks l
  WHERE l.database IS NULL OR l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
),
waiting AS (
  SELECT a.pid, pg_blocking_pids(a.pid) AS blocked_by
  FROM pg_stat_activity a
  WHERE a.wait_event_type = 'Lock'
    AND a.datname = current_database()
    AND a.pid <> pg_backend_pid()
),
participants AS (
  SELECT pid, blocked_by FROM waiting
  UNION ALL
  SELECT DISTINCT b.pid, '{}'::int[]
  FROM waiting w
  CROSS JOIN LATERAL unnest(w.blocked_by) AS b(pid)
  WHERE b.pid NOT IN (SELECT pid FROM waiting)
)
SELECT
  p.pid,
  p.blocked_by,
  a.usename AS role,
  a.application_name AS application,
  host(a.client_addr) AS client,
  a.state,
  a.backend_type,
  a.wait_event_type,
  a.wait_event,
  EXTRACT(EPOCH FROM now() - a.xact_start) AS xact_s,
  EXTRACT(EPOCH FROM now() - a.state_change) AS state_s,
  EXTRACT(EPOCH FROM now() - COALESCE(w.waitstart_text::timestamptz, a.query_start)) AS wait_s,
  w.mode AS waiting_mode,
  w.locktype AS waiting_locktype,
  CASE
    WHEN w.locktype = 'transactionid' AND tl.relation IS NOT NULL
      THEN format('%s (a row of %s)', w.target, tl.relation::regclass)
    ELSE w.target
  END AS waiting_target,
  ARRAY(
    SELECT DISTINCT g.mode || ' on ' || g.target
    FROM locks g
    JOIN locks x ON NOT x.granted
      AND x.pid <> g.pid
      AND x.locktype = g.locktype
      AND x.database IS NOT DISTINCT FROM g.database
      AND x.relation IS NOT DISTINCT FROM g.relation
      AND x.page IS NOT DISTINCT FROM g.page
      AND x.tuple IS NOT DISTINCT FROM g.tuple
      AND x.virtualxid IS NOT DISTINCT FROM g.virtualxid
      AND x.transactionid IS NOT DISTINCT FROM g.transactionid
      AND x.classid IS NOT DISTINCT FROM g.classid
      AND x.objid IS NOT DISTINCT FROM g.objid
      AND x.objsubid IS NOT DISTINCT FROM g.objsubid
    WHERE g.pid = p.pid AND g.granted
      AND x.pid IN (SELECT pid FROM waiting)
  ) AS held,
  a.query,
  a.application_name LIKE 'opsbot%' AS own
FROM participants p
LEFT JOIN pg_stat_activity a ON a.pid = p.pid
LEFT JOIN LATERAL (
  SELECT * FROM locks l WHERE l.pid = p.pid AND NOT l.granted LIMIT 1
) w ON true
LEFT JOIN LATERAL (
  SELECT relation FROM locks l WHERE l.pid = p.pid AND l.granted AND l.locktype = 'tuple' LIMIT 1
) tl ON true
ORDER BY wait_s DESC NULLS LAST, p.pid
