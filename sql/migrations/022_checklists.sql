-- Interactive checklists (maintenance pre/post checks, lockdown containment, …): the items with
-- their current state, and an append-only history of who ticked or unticked what and when.
CREATE TABLE opsbot.checklists (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,                 -- owner feature, e.g. 'maintenance.pre', 'lockdown.containment'
  title text NOT NULL,
  description text,
  access text NOT NULL DEFAULT 'read' CHECK (access IN ('read', 'oncall', 'approver')),
  context jsonb NOT NULL DEFAULT '{}'::jsonb,   -- owner's own keys (window start, incident id, …)
  channel text,
  message_ts text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  revision integer NOT NULL DEFAULT 0 -- bumped on every change; part of the Slack block_id
);

CREATE INDEX checklists_kind_idx ON opsbot.checklists (kind, id DESC);

CREATE TABLE opsbot.checklist_items (
  checklist_id bigint NOT NULL REFERENCES opsbot.checklists (id) ON DELETE CASCADE,
  item_key text NOT NULL,
  position integer NOT NULL,
  label text NOT NULL,
  checked boolean NOT NULL DEFAULT false,
  checked_by text,
  checked_at timestamptz,
  PRIMARY KEY (checklist_id, item_key)
);

CREATE TABLE opsbot.checklist_events (
  id bigserial PRIMARY KEY,
  checklist_id bigint NOT NULL REFERENCES opsbot.checklists (id) ON DELETE CASCADE,
  item_key text NOT NULL,
  action text NOT NULL CHECK (action IN ('ticked', 'unticked')),
  user_id text NOT NULL,
  at timestamptz NOT NULL,
  revision integer NOT NULL          -- the checklist revision this change produced
);

CREATE INDEX checklist_events_checklist_idx ON opsbot.checklist_events (checklist_id, id);
