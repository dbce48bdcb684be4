-- VACUUM (ANALYZE) of one table; must run outside a transaction. {{table}} is filled with the
-- escaped schema-qualified name taken from the catalog, never from user text.
-- Takes a SHARE UPDATE EXCLUSIVE lock (reads and writes continue).
VACUUM (ANALYZE) {{table}}
