-- Maintenance calendar. Regular windows come from the rule in settings (first Sunday 02:00 by
-- default) and are not stored; only the exceptions are: one-off windows added with
-- /maintenance add, and regular windows skipped with /maintenance skip.
CREATE TABLE opsbot.maintenance_windows (
  id bigserial PRIMARY KEY,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  reason text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  cancelled_by text,
  cancel_reason text,
  CONSTRAINT maintenance_windows_order CHECK (ends_at > starts_at),
  -- Two active one-off windows never overlap, even when added concurrently.
  CONSTRAINT maintenance_windows_no_overlap EXCLUDE USING gist (tstzrange(starts_at, ends_at) WITH &&) WHERE (cancelled_at IS NULL)
);

CREATE TABLE opsbot.maintenance_skips (
  starts_at timestamptz PRIMARY KEY,  -- start of the regular window that will not happen
  reason text,
  skipped_by text NOT NULL,
  skipped_at timestamptz NOT NULL
);
