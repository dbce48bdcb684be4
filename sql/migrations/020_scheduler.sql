-- Scheduler: every occurrence of every job is one row, keyed by (job, scheduled time), so a
-- restart or a second replica can claim it at most once. A run that was 'running' when its
-- process died is marked 'interrupted' at the next start and never re-run.
CREATE TABLE opsbot.job_runs (
  id bigserial PRIMARY KEY,
  job_id text NOT NULL,
  scheduled_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'interrupted')),
  late boolean NOT NULL DEFAULT false,
  claimed_by text,                   -- scheduler instance (host:pid:random)
  started_at timestamptz,
  finished_at timestamptz,
  summary text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text,
  CONSTRAINT job_runs_once UNIQUE (job_id, scheduled_at)
);

CREATE INDEX job_runs_job_recent_idx ON opsbot.job_runs (job_id, scheduled_at DESC);
CREATE INDEX job_runs_running_idx ON opsbot.job_runs (job_id) WHERE status = 'running';

-- How far each job's occurrences have been examined (by any replica). On start, occurrences
-- after this point and before now were missed: run late inside the grace window, else skipped.
CREATE TABLE opsbot.job_cursors (
  job_id text PRIMARY KEY,
  checked_through timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
