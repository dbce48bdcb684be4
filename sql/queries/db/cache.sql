-- Buffer cache hit ratios of the current database since its statistics were last reset:
-- table (heap) and index blocks of user tables, and every block read by the database.
-- Measures shared_buffers only; reads served by the OS page cache count as reads.
-- Returns one row: heap_hit, heap_read, idx_hit, idx_read, db_hit, db_read, stats_reset.
-- No parameters. Reads statistics only; no locks.
SELECT
  (SELECT COALESCE(sum(heap_blks_hit), 0) FROM pg_statio_user_tables) AS heap_hit,
  (SELECT COALESCE(sum(heap_blks_read), 0) FROM pg_statio_user_tables) AS heap_read,
  (SELECT COALESCE(sum(idx_blks_hit), 0) FROM pg_statio_user_indexes) AS idx_hit,
  (SELECT COALESCE(sum(idx_blks_read), 0) FROM pg_statio_user_indexes) AS idx_read,
  d.blks_hit AS db_hit,
  d.blks_read AS db_read,
  d.stats_reset
FROM pg_stat_database d
WHERE d.datname = current_database()
