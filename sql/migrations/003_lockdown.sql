-- Breach lockdowns (runbook P0 "Data Breach"). At most one lockdown is open at a time; its
-- progress is recorded step by step so a start that failed midway can be completed without
-- repeating what was done.
CREATE TABLE opsbot.lockdowns (
  id uuid PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('starting', 'active', 'lifted')),
  reason text NOT NULL,
  channel text,
  started_by text NOT NULL,
  approved_by text,
  break_glass boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  active_since timestamptz,
  evidence_at timestamptz,
  evidence_file text,
  evidence_sha256 text,
  sessions_revoked bigint NOT NULL DEFAULT 0,
  refresh_tokens_revoked bigint NOT NULL DEFAULT 0,
  sessions_done_at timestamptz,
  integrations_done_at timestamptz,
  checklist_id bigint,            -- the containment checklist (opsbot checklists)
  lifted_at timestamptz,
  lifted_by text,
  lift_reason text,
  start_request_id uuid,
  lift_request_id uuid
);
CREATE UNIQUE INDEX lockdowns_one_open ON opsbot.lockdowns ((true)) WHERE state IN ('starting', 'active');

-- Evidence preserved before anything is revoked: auth audit entries of the last 7 days, the
-- sessions about to be revoked and the integrations' state. One row per kind.
CREATE TABLE opsbot.lockdown_evidence (
  lockdown_id uuid NOT NULL REFERENCES opsbot.lockdowns (id),
  kind text NOT NULL CHECK (kind IN ('auth_audit', 'sessions', 'integrations')),
  captured_at timestamptz NOT NULL,
  row_count integer NOT NULL,
  rows jsonb NOT NULL,
  PRIMARY KEY (lockdown_id, kind)
);

-- Exactly the integrations this lockdown switched off (those already off are not listed), so
-- lifting re-enables these and no others.
CREATE TABLE opsbot.lockdown_integrations (
  lockdown_id uuid NOT NULL REFERENCES opsbot.lockdowns (id),
  integration_id uuid NOT NULL,
  provider text NOT NULL,
  disabled_at timestamptz NOT NULL,
  reenabled_at timestamptz,
  PRIMARY KEY (lockdown_id, integration_id)
);

-- Notification deadlines (24 h and 72 h after the start); posted when due and again every
-- repeat interval until someone marks them done. last_posted_at is claimed atomically.
CREATE TABLE opsbot.lockdown_reminders (
  lockdown_id uuid NOT NULL REFERENCES opsbot.lockdowns (id),
  kind text NOT NULL CHECK (kind IN ('24h', '72h')),
  due_at timestamptz NOT NULL,
  last_posted_at timestamptz,
  posts integer NOT NULL DEFAULT 0,
  done_at timestamptz,
  done_by text,
  PRIMARY KEY (lockdown_id, kind)
);
