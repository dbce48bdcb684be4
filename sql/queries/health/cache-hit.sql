-- Buffer cache hit ratio of the current database since the statistics were last reset.
-- Returns one row: blks_hit, blks_read, stats_reset. No parameters.
SELECT blks_hit, blks_read, stats_reset
FROM pg_stat_database
WHERE datname = current_database()
