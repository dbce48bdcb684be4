-- Creates, in the scratch database of a verification, a schema the archive's extensions are
-- installed into but that the backup left out (e.g. `extensions` on Supabase).
-- {{schema}}: its name, escaped as an identifier. Returns nothing.
CREATE SCHEMA IF NOT EXISTS {{schema}}
