-- Rows of the tested table matching the filter, as the current role sees them (before the
-- role switch: the bot; after it: the user). Returns one row: n (bigint).
-- {{table}} is the quoted schema.table read from the catalog (rls-table.sql); {{where}} is a
-- condition built from catalog column names and $n placeholders only — the filter's values
-- are the parameters. Locks: ACCESS SHARE on the table (a plain read).
SELECT count(*) AS n FROM {{table}} WHERE {{where}}
