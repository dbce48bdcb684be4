-- Whether the local workspace's target database holds its seed data: returns the marker row
-- (version, seeded_at) when sql/local/seed-data.sql completed; none when it did not; fails
-- with 42P01 (undefined table) on a database never seeded. No parameters, no locks.
SELECT version, seeded_at FROM opsbot_local.seed ORDER BY seeded_at DESC LIMIT 1
