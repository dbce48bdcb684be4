-- Oldest unfrozen transaction-ID age of any database on the server (wraparound risk).
-- Returns one row: datname, xid_age, freeze_max_age. No parameters.
SELECT datname, age(datfrozenxid) AS xid_age, current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age
FROM pg_database
WHERE datallowconn
ORDER BY age(datfrozenxid) DESC
LIMIT 1
