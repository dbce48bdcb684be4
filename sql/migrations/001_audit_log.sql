-- Append-only audit log: every command, approval and playbook step the bot performs.
-- Rows are never updated or deleted; a trigger refuses both, whatever the role.
CREATE TABLE opsbot.audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,              -- Slack user id, or 'cli' / 'scheduler'
  action text NOT NULL,             -- e.g. 'command', 'playbook.requested'
  target text,                      -- command or playbook id
  channel text,
  outcome text NOT NULL,            -- 'ok' | 'refused' | 'failed' | …
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_at_idx ON opsbot.audit_log (at DESC);

CREATE FUNCTION opsbot.audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'opsbot.audit_log is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON opsbot.audit_log
  FOR EACH ROW EXECUTE FUNCTION opsbot.audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON opsbot.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION opsbot.audit_log_append_only();
