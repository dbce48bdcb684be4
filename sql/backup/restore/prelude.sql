-- psql script run first inside the restore's single transaction (psql --single-transaction,
-- ON_ERROR_STOP): triggers and foreign-key checks off for the copy (the rows come from one
-- consistent snapshot; app triggers must not fire again, e.g. a profile per restored user),
-- then the replaced tables emptied. Waits at most {{lock_timeout_ms}} ms for their exclusive
-- locks, so a restore never queues behind a long transaction while blocking everyone else.
-- {{tables}}: the tables, escaped identifiers, comma-separated; {{lock_timeout_ms}}: integer.
SET session_replication_role = replica;
SET lock_timeout = {{lock_timeout_ms}};
TRUNCATE TABLE {{tables}};
