-- When pg_stat_statements was last reset and how many entries it evicted since
-- (pg_stat_statements_info, 1.9+ / Postgres 14+). Resolved through search-path.sql.
-- Returns one row: stats_reset, dealloc. No parameters, no locks.
SELECT stats_reset, dealloc FROM pg_stat_statements_info
