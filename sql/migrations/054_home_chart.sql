-- The App Home's database chart (connections over 24 h, size against the limit) as an image
-- uploaded to Slack without a channel (private to the app) and shown by its file id. One row per
-- chart, so every replica shows the same file and only one uploads a new one: a replica sets
-- lease_until to claim the upload (a failed upload sets it to when to try again). The file before
-- the current one is kept until the next replacement, because views published moments ago still
-- show it; the one pushed out then is deleted in Slack (files.delete), so at most two exist.
CREATE TABLE opsbot.home_charts (
  name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
  file_id text CHECK (length(file_id) <= 40),
  previous_file_id text CHECK (length(previous_file_id) <= 40),
  alt text CHECK (length(alt) <= 2000),
  title text CHECK (length(title) <= 200),
  figures text CHECK (length(figures) <= 500),   -- what a new image is drawn for when it changes
  newest_sample_at timestamptz,                   -- the newest sample the image shows
  rendered_at timestamptz,
  lease_until timestamptz NOT NULL DEFAULT '-infinity',
  last_error text CHECK (length(last_error) <= 500)
);
