-- The plan of the prepared statement, run: EXPLAIN ANALYZE, only for a SELECT, inside the
-- diagnostic's READ ONLY transaction and under its statement_timeout. {{args}} is "" or
-- "(NULL, …)" with one NULL per parameter, chosen by code. Returns one row: the plan as JSON
-- (column "QUERY PLAN"). Locks: what the SELECT takes (ACCESS SHARE on what it reads).
EXPLAIN (ANALYZE, BUFFERS, VERBOSE, FORMAT JSON) EXECUTE opsbot_explain{{args}}
