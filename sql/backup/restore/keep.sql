-- psql script, once per restored table, before its data: the rows rows of other tables still
-- reference are set aside (the restore keeps those it does not bring back from the backup, so
-- no row outside the named tables loses what it points at), then the table is emptied. The
-- DELETE fires no trigger and no ON DELETE action (session_replication_role = replica).
-- {{keep}}: the temp table's name, escaped; {{table}}: the table, escaped;
-- {{referenced}}: "EXISTS (SELECT 1 FROM child c WHERE c.k = t.k) OR …", or "false".
CREATE TEMP TABLE {{keep}} ON COMMIT DROP AS SELECT t.* FROM {{table}} AS t WHERE {{referenced}};
DELETE FROM {{table}};
