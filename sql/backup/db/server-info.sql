-- Which server a backup reads from: major.minor version, number and database name.
-- Returns: version, version_num, database.
SELECT current_setting('server_version') AS version,
       current_setting('server_version_num')::int AS version_num,
       current_database() AS database
