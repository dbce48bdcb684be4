-- Rows of a table that reference another through one foreign key (every key column set, as
-- MATCH SIMPLE checks them), for a restore preview. Takes ACCESS SHARE on the table.
-- Returns: n. {{child}}: the referencing table, escaped; {{not_null}}: "c.col IS NOT NULL AND …"
-- over its key columns, escaped identifiers.
SELECT count(*)::bigint AS n FROM {{child}} AS c WHERE {{not_null}}
