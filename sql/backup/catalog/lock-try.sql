-- Takes the backup job lock for the current transaction without waiting; one backup, verify,
-- restore or prune at a time across replicas. Released at commit or rollback, and when the
-- connection dies. The transaction then idles for the whole job, so the idle timeout is lifted
-- for it alone. Returns: locked (boolean). Lock: pg_advisory_xact_lock($1).
-- $1 lock key (bigint)
SELECT pg_try_advisory_xact_lock($1::bigint) AS locked,
       set_config('idle_in_transaction_session_timeout', '0', true) AS idle_timeout
