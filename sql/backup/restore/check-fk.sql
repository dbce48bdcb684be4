-- psql script, once per foreign key touching a restored table, last before commit: no row may
-- point at a row that is not there (foreign-key triggers were off for the copy). A backup row
-- whose parent was deleted since stops the restore: the transaction rolls back (ON_ERROR_STOP).
-- {{child}}, {{parent}}: escaped tables; {{not_null}}: "c.k IS NOT NULL AND …";
-- {{join}}: "p.k = c.k AND …"; {{child_literal}}, {{parent_literal}}, {{constraint_literal}}: quoted literals.
DO $check$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM {{child}} AS c WHERE {{not_null}} AND NOT EXISTS (SELECT 1 FROM {{parent}} AS p WHERE {{join}});
  IF n > 0 THEN
    RAISE EXCEPTION 'opsbot restore check failed: % row(s) of % would reference rows of % that do not exist (foreign key %); restore % too, or restore from a backup that matches it',
      n, {{child_literal}}, {{parent_literal}}, {{constraint_literal}}, {{parent_literal}};
  END IF;
END
$check$;
