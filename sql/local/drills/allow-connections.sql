-- The database comes back: accepts connections to the target again. {{database}} is the
-- escaped name of the target. No parameters.
ALTER DATABASE {{database}} ALLOW_CONNECTIONS true
