-- Removes the database-level read-only default, so new sessions fall back to the server's
-- default (normally off). Returns nothing. {{db}} the current database (escaped identifier).
ALTER DATABASE {{db}} RESET default_transaction_read_only
