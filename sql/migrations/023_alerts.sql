-- Threshold alerts. alert_rule_state counts consecutive breaching / healthy evaluations per rule
-- (N breaches fire, M healthy checks recover); alerts holds one row per firing episode with its
-- Slack message, acknowledgement (who, when, time to acknowledge), reminders and recovery.
-- Alerts that fire or recover inside a maintenance window are held and summarised after it.
CREATE TABLE opsbot.alert_rule_state (
  rule_id text PRIMARY KEY,
  breaches integer NOT NULL DEFAULT 0,    -- consecutive breaching evaluations
  oks integer NOT NULL DEFAULT 0,         -- consecutive healthy evaluations
  last_state text NOT NULL,               -- 'breach' | 'ok' | 'unknown' | 'unavailable'
  last_value text,
  evaluated_at timestamptz NOT NULL
);

CREATE TABLE opsbot.alerts (
  id bigserial PRIMARY KEY,
  rule_id text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('warning', 'critical')),
  title text NOT NULL,
  value text NOT NULL,
  threshold text NOT NULL,
  advice text,
  breaches integer NOT NULL,              -- consecutive breaches when it fired
  fired_at timestamptz NOT NULL,
  notified_at timestamptz,                -- when it was posted; NULL while held
  channel text,
  message_ts text,
  held_window text,                       -- maintenance window it fired in (held, not posted)
  recovered_in_window text,               -- maintenance window it recovered in (recovery not posted)
  summarised_at timestamptz,              -- when the held summary covered it
  last_reminder_at timestamptz,
  reminders integer NOT NULL DEFAULT 0,
  acknowledged_by text,
  acknowledged_at timestamptz,
  time_to_ack_ms bigint,
  recovered_at timestamptz,
  recovered_value text
);

-- At most one firing episode per rule, whatever replicas do.
CREATE UNIQUE INDEX alerts_one_active_per_rule ON opsbot.alerts (rule_id) WHERE recovered_at IS NULL;
CREATE INDEX alerts_fired_at_idx ON opsbot.alerts (fired_at DESC);
CREATE INDEX alerts_unsummarised_idx ON opsbot.alerts (id)
  WHERE summarised_at IS NULL AND (held_window IS NOT NULL OR recovered_in_window IS NOT NULL);
