-- Whether this transaction has been given a transaction id — Postgres assigns one at the first
-- write, so null proves nothing was written. Returns one row: xid (text, or null).
-- No parameters, no locks.
SELECT pg_current_xact_id_if_assigned()::text AS xid
