-- psql script, after the prelude: the tables outside the restore whose rows reference restored
-- tables are held still (reads go on, writes wait) while the restore decides which referenced
-- rows it must keep. Takes SHARE ROW EXCLUSIVE on them, within the prelude's lock_timeout.
-- {{tables}}: escaped identifiers, comma-separated.
LOCK TABLE {{tables}} IN SHARE ROW EXCLUSIVE MODE;
