-- Test support only (test/db/connection-faults.test.ts): a query that stays running, so a test
-- can cut its session mid-query. Returns: slept (true). $1 seconds (float). Takes no lock.
SELECT pg_sleep($1::float8) IS NULL AS slept
