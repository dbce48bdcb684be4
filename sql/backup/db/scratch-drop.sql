-- Drops a scratch database, ending any session still connected to it (PG 13+).
-- {{database}}: its name, escaped as an identifier.
DROP DATABASE IF EXISTS {{database}} WITH (FORCE)
