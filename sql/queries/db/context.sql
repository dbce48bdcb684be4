-- Facts every /db and /slowqueries report starts from: which database, as which role, and since
-- when the cumulative statistics count. Returns one row: database, role_ident (current_user
-- quoted for a GRANT), server_version_num, in_recovery, db_stats_reset (NULL = never reset),
-- postmaster_start, read_all_stats (sees other roles' activity and query text).
-- No parameters, no locks.
SELECT
  current_database() AS database,
  quote_ident(current_user) AS role_ident,
  current_setting('server_version_num')::int AS server_version_num,
  pg_is_in_recovery() AS in_recovery,
  (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) AS db_stats_reset,
  pg_postmaster_start_time() AS postmaster_start,
  pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats
