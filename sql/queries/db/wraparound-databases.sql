-- Transaction-ID and multixact age of every database on the server: how close each is to
-- wraparound (2^31) and to the anti-wraparound autovacuum (autovacuum_freeze_max_age).
-- Returns one row per database that accepts connections, oldest first: database, xid_age,
-- mxid_age, freeze_max_age, multixact_freeze_max_age. No parameters, no locks.
SELECT
  datname AS database,
  age(datfrozenxid) AS xid_age,
  mxid_age(datminmxid) AS mxid_age,
  current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
  current_setting('autovacuum_multixact_freeze_max_age')::bigint AS multixact_freeze_max_age
FROM pg_database
WHERE datallowconn
ORDER BY age(datfrozenxid) DESC, datname
