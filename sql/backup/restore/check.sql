-- psql script, once per restored table, before commit. A table that does not hold exactly the
-- manifest's number of rows (besides the rows keep-back.sql kept) stops the restore (psql
-- ON_ERROR_STOP: the transaction rolls back and the target stays as it was). A different
-- content checksum with the right count is reported as a warning: the usual cause is a column
-- added since the backup, which changes every row's text but not the data restored. Same
-- expression as sql/backup/db/table-stat.sql.
-- {{table}}: escaped identifier; {{keep}}: its keep.sql temp table, escaped; {{table_literal}}:
-- its name as a quoted literal; {{row_hash}}: the row-hash expression the manifest recorded for
-- the table; {{rows}}, {{checksum}}: integers from the manifest (validated by the caller).
DO $check$
DECLARE
  got_rows bigint;
  got_checksum numeric;
  kept_rows bigint;
  kept_checksum numeric;
BEGIN
  SELECT count(*), coalesce(sum({{row_hash}}), 0) INTO got_rows, got_checksum FROM {{table}} AS t;
  SELECT count(*), coalesce(sum({{row_hash}}), 0) INTO kept_rows, kept_checksum FROM {{keep}} AS t;
  IF got_rows - kept_rows <> {{rows}} THEN
    RAISE EXCEPTION 'opsbot restore check failed for %: % rows after the restore, the backup has {{rows}}', {{table_literal}}, got_rows - kept_rows;
  END IF;
  IF got_checksum - kept_checksum <> {{checksum}} THEN
    RAISE WARNING 'opsbot restore note: % has the backup''s {{rows}} rows but another content checksum (were its columns changed since the backup?)', {{table_literal}};
  END IF;
END
$check$;
