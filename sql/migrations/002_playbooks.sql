-- Playbook requests and their approvals. A request carries the playbook, its parameters, the
-- preview shown to approvers and a hash of the plan; state moves
-- pending → running → succeeded | failed | stopped | interrupted, or pending → denied | expired.
CREATE TABLE opsbot.playbook_requests (
  id uuid PRIMARY KEY,
  playbook_id text NOT NULL,
  params jsonb NOT NULL,
  preview jsonb NOT NULL,
  plan_hash text NOT NULL,
  risk text NOT NULL CHECK (risk IN ('read', 'write', 'destructive')),
  approvals_required integer NOT NULL CHECK (approvals_required >= 0),
  requested_by text NOT NULL,
  channel text,
  message_ts text,
  state text NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'stopped', 'interrupted', 'denied', 'expired')),
  break_glass_reason text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  started_at timestamptz,
  heartbeat_at timestamptz,
  finished_at timestamptz,
  rows_affected bigint,
  result jsonb,
  error text
);

CREATE INDEX playbook_requests_state_idx ON opsbot.playbook_requests (state, expires_at);
CREATE INDEX playbook_requests_created_idx ON opsbot.playbook_requests (created_at DESC);

CREATE TABLE opsbot.playbook_approvals (
  request_id uuid NOT NULL REFERENCES opsbot.playbook_requests (id),
  approver text NOT NULL,
  approved_at timestamptz NOT NULL,
  PRIMARY KEY (request_id, approver)
);

-- The audit log is append-only for every role (migration 001); the bot reads it with an index.
CREATE INDEX audit_log_target_idx ON opsbot.audit_log (target, at DESC);
