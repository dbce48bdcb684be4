-- Liveness of the target database. Returns: one row, ok = 1. No parameters.
SELECT 1 AS ok
