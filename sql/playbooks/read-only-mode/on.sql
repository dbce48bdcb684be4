-- Puts the database into read-only mode for every new session. Returns nothing. {{db}} the
-- current database (escaped identifier). Takes a brief lock on the database's settings row.
ALTER DATABASE {{db}} SET default_transaction_read_only = on
