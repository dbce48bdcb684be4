-- Incidents (issue 14): one row per declaration, its war-room channel, roles, status, the
-- stakeholder-update cadence and the overdue reminder claimed for the current due time.
-- A row with channel_id NULL is a reservation: declare() inserted it and the channel is being
-- created. Reservations are never listed or counted; abandon() deletes one, and one left behind
-- for more than 10 minutes (a crash between declare and attachChannel) is taken over by the
-- next declare with the same key, so a retry can still succeed.
CREATE TABLE opsbot.incidents (
  id serial PRIMARY KEY,
  declare_key text NOT NULL UNIQUE CHECK (length(declare_key) BETWEEN 1 AND 200),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 150),
  severity text NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
  kind text NOT NULL CHECK (kind IN ('data_breach', 'service_outage', 'auth_issues', 'performance', 'other')),
  status text NOT NULL DEFAULT 'investigating' CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  user_impact text NOT NULL DEFAULT '',
  source jsonb NOT NULL DEFAULT '{}'::jsonb,   -- IncidentSource: {kind, ref?, channelId?}
  channel_id text,
  channel_name text,
  card_ts text,
  declared_by text NOT NULL,
  declared_at timestamptz NOT NULL,
  acknowledged_at timestamptz,                 -- first commander
  mitigated_at timestamptz,                    -- first time status reached monitoring
  resolved_at timestamptz,
  resolved_by text,
  resolution text,
  commander text,
  scribe text,
  communications text,
  lockdown_id uuid,
  last_update_at timestamptz,
  next_update_due_at timestamptz,
  reminded_for_due_at timestamptz,             -- the due time the last overdue reminder was claimed for
  CHECK ((resolved_at IS NULL) = (status <> 'resolved'))
);

-- One open incident per war room: byChannel() and the timeline links are unambiguous.
CREATE UNIQUE INDEX incidents_open_channel_idx ON opsbot.incidents (channel_id) WHERE resolved_at IS NULL AND channel_id IS NOT NULL;
CREATE INDEX incidents_declared_idx ON opsbot.incidents (declared_at DESC);
CREATE INDEX incidents_breach_open_idx ON opsbot.incidents (id) WHERE resolved_at IS NULL AND kind = 'data_breach';

-- The timeline: audit rows linked to the incident (written by state/audit-insert in the same
-- statement as the audit row). Deleting an abandoned reservation removes its links. audit_id has
-- no foreign key on purpose: audit rows are never deleted (a trigger refuses it), and a key would
-- make TRUNCATE of the audit log fail on the key instead of on that append-only trigger.
CREATE TABLE opsbot.incident_timeline (
  incident_id integer NOT NULL REFERENCES opsbot.incidents (id) ON DELETE CASCADE,
  audit_id bigint NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (incident_id, audit_id)
);

CREATE TABLE opsbot.incident_updates (
  id serial PRIMARY KEY,
  incident_id integer NOT NULL REFERENCES opsbot.incidents (id) ON DELETE CASCADE,
  posted_by text NOT NULL,
  at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  impact text NOT NULL,
  next_steps text NOT NULL,
  next_update_minutes integer NOT NULL CHECK (next_update_minutes BETWEEN 1 AND 10080)
);

CREATE INDEX incident_updates_incident_idx ON opsbot.incident_updates (incident_id, id);

-- A person's message added to the timeline, once per (incident, message ts).
CREATE TABLE opsbot.incident_pins (
  incident_id integer NOT NULL REFERENCES opsbot.incidents (id) ON DELETE CASCADE,
  message_ts text NOT NULL,
  channel_id text NOT NULL,
  pinned_by text NOT NULL,
  pinned_at timestamptz NOT NULL,
  PRIMARY KEY (incident_id, message_ts)
);

-- The postmortem draft, one per incident (the first stored wins).
CREATE TABLE opsbot.incident_postmortems (
  incident_id integer PRIMARY KEY REFERENCES opsbot.incidents (id) ON DELETE CASCADE,
  source text NOT NULL CHECK (source IN ('gemini', 'offline')),
  offline_reason text,
  markdown text NOT NULL,
  created_at timestamptz NOT NULL
);
