-- Exports the snapshot of the current REPEATABLE READ transaction so pg_dump (--snapshot) sees
-- exactly what this transaction counts. Valid while this transaction stays open.
-- Returns: snapshot.
SELECT pg_export_snapshot() AS snapshot
