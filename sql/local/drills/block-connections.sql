-- The database-outage drill: refuses new connections to the target. {{database}} is the
-- escaped name of the target (a fixed name). No parameters; a brief lock on pg_database.
ALTER DATABASE {{database}} ALLOW_CONNECTIONS false
