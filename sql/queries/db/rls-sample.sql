-- A sample of the ids of the rows the current role sees, in key order. Returns up to {{limit}}
-- rows: id (the primary key as text; several key columns joined with ", ").
-- {{id}} is built from the quoted primary key columns (rls-table.sql), {{table}} is the quoted
-- schema.table, {{where}} the filter of catalog column names and $n placeholders, {{limit}} a
-- number chosen by code. Locks: ACCESS SHARE on the table (a plain read).
SELECT {{id}} AS id FROM {{table}} WHERE {{where}} ORDER BY {{order}} LIMIT {{limit}}
