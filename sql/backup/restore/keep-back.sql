-- psql script, once per restored table, after the data: of the rows set aside by keep.sql,
-- those the backup brought back (same referenced key) are dropped from the set, and the others
-- are put back: rows written after the backup that other tables reference.
-- {{keep}}: the temp table, escaped; {{table}}: the table, escaped; {{in_backup}}:
-- "EXISTS (SELECT 1 FROM table x WHERE x.k = k.k) OR …", or "false"; {{columns}}: the
-- insertable columns, escaped, comma-separated.
DELETE FROM {{keep}} AS k WHERE {{in_backup}};
INSERT INTO {{table}} ({{columns}}) OVERRIDING SYSTEM VALUE SELECT {{columns}} FROM {{keep}};
