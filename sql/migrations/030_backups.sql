-- Backups catalogue (issue 7). One row per backup attempt: running → succeeded | failed, and
-- succeeded → pruned when retention deletes its file. A failed row never points at a file (the
-- partial file is removed before the row is marked failed), so "succeeded" is the only state
-- a restore or a verify may use. The manifest (tables, row counts, checksums, versions) is kept
-- here and next to the dump in the store, so a restore does not depend on this database alone.
CREATE TABLE opsbot.backups (
  id text PRIMARY KEY,                       -- e.g. 20260301T070000Z-3fa2 (sortable)
  kind text NOT NULL CHECK (kind IN ('manual', 'scheduled', 'safety')),
  state text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'pruned')),
  started_by text NOT NULL,                  -- Slack user id, 'cli', 'scheduler' or 'playbook:<id>'
  started_at timestamptz NOT NULL,           -- also the moment of the snapshot (RPO)
  finished_at timestamptz,
  duration_ms bigint,
  store text NOT NULL,                       -- 'local' | 'supabase'
  object_key text NOT NULL,
  parts integer,
  size_bytes bigint,
  sha256 text,
  server_version text,
  client_version text,
  table_count integer,
  row_count bigint,
  manifest jsonb,
  error text,
  verify_state text CHECK (verify_state IN ('passed', 'failed')),
  verified_at timestamptz,
  pruned_at timestamptz
);

-- At most one backup runs at a time, whatever the number of replicas (the advisory lock is
-- the first guard, this index the last).
CREATE UNIQUE INDEX backups_one_running_idx ON opsbot.backups (state) WHERE state = 'running';
CREATE INDEX backups_started_idx ON opsbot.backups (started_at DESC);

-- Every verification (scratch restore and comparison with the manifest), kept as history.
CREATE TABLE opsbot.backup_verifications (
  id bigserial PRIMARY KEY,
  backup_id text NOT NULL REFERENCES opsbot.backups (id),
  verified_by text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('passed', 'failed')),
  restore_ms bigint,
  checks jsonb NOT NULL
);
CREATE INDEX backup_verifications_backup_idx ON opsbot.backup_verifications (backup_id, finished_at DESC);

-- Backup, verify, restore and prune jobs: who started the one running now and since when
-- (told to anyone asking for a second one), and how long restores took (RTO evidence).
CREATE TABLE opsbot.backup_jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('backup', 'verify', 'restore', 'prune')),
  backup_id text,
  started_by text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  outcome text
);
CREATE INDEX backup_jobs_open_idx ON opsbot.backup_jobs (started_at DESC) WHERE finished_at IS NULL;
