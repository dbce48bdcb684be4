-- Drops the statement `/db explain` prepared (prepared statements outlive the transaction).
-- No parameters, no locks.
DEALLOCATE opsbot_explain
