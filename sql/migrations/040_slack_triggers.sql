-- Slack deliveries already acted on (issue 12, item 11). Slack accepts a signed request for five
-- minutes either side of its timestamp, so a captured /playbook run (or a retry) can arrive again
-- with the same trigger_id. Every command that creates something claims its trigger_id here
-- first, with INSERT … ON CONFLICT, so a second delivery creates nothing — on any replica.
-- Rows past expires_at may be claimed again and are pruned.
CREATE TABLE opsbot.slack_triggers (
  trigger_id text PRIMARY KEY CHECK (length(trigger_id) BETWEEN 1 AND 200),
  what text NOT NULL,               -- e.g. '/playbook run', 'playbook_request'
  user_id text NOT NULL,            -- Slack user id of the first delivery
  claimed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX slack_triggers_expires_idx ON opsbot.slack_triggers (expires_at);
