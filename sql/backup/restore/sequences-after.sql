-- psql script, after the data (which set the sequences to the backup's values): every sequence
-- goes back to its value before the restore when that was higher. Returns one row per sequence
-- moved (drained by the caller).
SELECT setval(b.seq, b.last_value)
FROM opsbot_restore_sequences b
WHERE b.last_value IS NOT NULL
  AND (pg_sequence_last_value(b.seq) IS NULL OR pg_sequence_last_value(b.seq) < b.last_value);
