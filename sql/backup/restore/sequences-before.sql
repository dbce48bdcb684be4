-- psql script, after the locks: the current value of every sequence the restored tables own,
-- so that the backup's older values never rewind them (sequences-after.sql). A rewound sequence
-- would hand out ids again that rows written after the backup still hold.
-- {{sequences}}: ARRAY[…]::text[] of quoted literals of escaped "schema"."name" (may be empty).
-- Temp table, dropped at commit.
CREATE TEMP TABLE opsbot_restore_sequences ON COMMIT DROP AS
  SELECT s.seq::regclass AS seq, pg_sequence_last_value(s.seq::regclass) AS last_value
  FROM unnest({{sequences}}) AS s (seq);
