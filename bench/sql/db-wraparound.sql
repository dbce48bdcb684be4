-- Baseline for bench/diagnostics, the plain SQL a runbook has one paste into the SQL editor.
-- Returns: transaction id age of every database.
-- No params. No locks beyond the catalog reads every query takes.
SELECT datname, age(datfrozenxid) AS xid_age
FROM pg_database
ORDER BY xid_age DESC
