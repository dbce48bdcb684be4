-- App Home (issue 14): who opened the bot's Home tab, so changes to incidents, approvals and the
-- lockdown republish it for recent viewers, across restarts and replicas; and the last health
-- status of each component, which the Home tab shows with its age.
--
-- A viewer is due a publish when changed_at > covered_at (a change, or an opening, that no
-- publish has covered yet) and not_before has passed (the per-viewer interval, Slack's
-- Retry-After, or a backoff after a failure). A replica claims it by setting claimed_at and a
-- lease (claimed_until); success sets covered_at to the claim time, so a change that arrives
-- while the view is being built makes it due again. A replica that dies mid-publish leaves the
-- row due once the lease runs out.
CREATE TABLE opsbot.home_viewers (
  user_id text PRIMARY KEY CHECK (user_id ~ '^[UW][A-Z0-9]{1,30}$'),
  opened_at timestamptz NOT NULL,
  changed_at timestamptz NOT NULL,
  covered_at timestamptz,
  published_at timestamptz,
  not_before timestamptz,
  claimed_at timestamptz,
  claimed_until timestamptz,
  failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_error text CHECK (length(last_error) <= 500)
);
CREATE INDEX home_viewers_opened ON opsbot.home_viewers (opened_at);

CREATE TABLE opsbot.home_health (
  component text PRIMARY KEY CHECK (length(component) BETWEEN 1 AND 40),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  status text NOT NULL CHECK (status IN ('ok', 'warn', 'critical', 'unknown')),
  checked_at timestamptz NOT NULL
);
