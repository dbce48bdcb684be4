-- Size of the current database in bytes. Returns one row: bytes, name. No parameters.
SELECT pg_database_size(current_database()) AS bytes, current_database() AS name
