-- Creates the scratch database a verification restores into (on VERIFY_DATABASE_URL).
-- {{database}}: its name, escaped as an identifier.
CREATE DATABASE {{database}}
