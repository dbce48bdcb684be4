-- The server's replication slots (physical and logical; a logical slot names its database) and
-- the WAL each one holds back. A slot keeps every WAL segment from its restart_lsn on until its
-- consumer confirms it, so an abandoned slot fills the disk. Returns up to $1 rows, most WAL
-- held first: slot_name, slot_type, database (null for physical), plugin, active, active_pid,
-- wal_status (reserved, extended, unreserved, lost), retained_bytes (null when the slot has
-- reserved no WAL yet), safe_wal_size (bytes left before the slot is lost; null without
-- max_slot_wal_keep_size), temporary, total (all slots).
-- $1 rows returned.
-- Locks: none (pg_replication_slots reads shared memory). On a standby the replay position is
-- the reference point, as pg_current_wal_lsn() is not available in recovery.
WITH cur AS (
  SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS lsn
)
SELECT
  s.slot_name::text AS slot_name,
  s.slot_type,
  s.database::text AS database,
  s.plugin::text AS plugin,
  s.active,
  s.active_pid,
  s.wal_status,
  pg_wal_lsn_diff(cur.lsn, s.restart_lsn)::bigint AS retained_bytes,
  s.safe_wal_size,
  s.temporary,
  count(*) OVER () AS total
FROM pg_replication_slots s CROSS JOIN cur
ORDER BY retained_bytes DESC NULLS LAST, s.slot_name
LIMIT $1
