-- Per-minute samples of the target database, stored by the every-minute alert evaluation and
-- drawn by /health db (connections over 24 h, size against the storage limit). One row per
-- minute, whichever replica measured first; rows older than METRIC_SAMPLES_RETENTION_HOURS are
-- deleted as new ones arrive, so the table stays small (48 h ≈ 2,900 rows).
CREATE TABLE opsbot.metric_samples (
  minute timestamptz PRIMARY KEY,         -- the sample's minute (truncated)
  connections integer CHECK (connections >= 0),
  max_connections integer CHECK (max_connections >= 0),
  db_size_bytes bigint CHECK (db_size_bytes >= 0),
  recorded_at timestamptz NOT NULL
);
