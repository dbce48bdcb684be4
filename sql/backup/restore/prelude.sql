-- psql script run first inside the restore's single transaction (psql --single-transaction,
-- ON_ERROR_STOP): triggers and foreign-key triggers off for the copy (the rows come from one
-- consistent snapshot; app triggers must not fire again, e.g. a profile per restored user;
-- foreign keys are checked explicitly at the end, check-fk.sql), then the restored tables locked
-- exclusively. Waits at most {{lock_timeout_ms}} ms for each lock, so a restore never queues
-- behind a long transaction while blocking everyone else.
-- {{tables}}: the restored tables, escaped identifiers, comma-separated; {{lock_timeout_ms}}: integer.
SET session_replication_role = replica;
SET lock_timeout = {{lock_timeout_ms}};
LOCK TABLE {{tables}} IN ACCESS EXCLUSIVE MODE;
