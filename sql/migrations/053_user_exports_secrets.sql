-- Issue 15. Two records of the bot's own:
-- 1. Safety exports taken by delete-user before it deletes anything: every row the delete removes
--    or changes, per table and foreign-key path, as JSON, with a digest. Written in the state store
--    (not the target) so the export outlives the target database; the delete runs only after the
--    export committed. Kept until someone removes it by hand (they hold personal data: treat them
--    like a backup).
CREATE TABLE opsbot.user_exports (
  id uuid PRIMARY KEY,
  request_id uuid,                 -- the playbook request that took it
  user_id uuid NOT NULL,           -- the auth.users id that was about to be deleted
  taken_at timestamptz NOT NULL,
  row_count integer NOT NULL,
  sha256 text NOT NULL,            -- of the exported JSON text, as stored
  rows json NOT NULL               -- [{table, via, action, rows: [...]}, …], exactly as captured
);
CREATE INDEX user_exports_user_idx ON opsbot.user_exports (user_id, taken_at DESC);

-- 2. Function secrets as the bot last saw them, to tell when each changed when the Management API
--    does not say: a salted SHA-256 of the value (never the value), its salt, and when it was first
--    seen, last seen changing, last seen at all and found gone.
CREATE TABLE opsbot.secret_fingerprints (
  name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 256),
  salt text NOT NULL,
  digest text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  changed_at timestamptz,          -- null: never seen changing (it changed before first_seen_at, when is unknown)
  last_seen_at timestamptz NOT NULL,
  gone_at timestamptz              -- set when the API stopped listing it; cleared when it is back
);
