-- Fixes every setting that changes how a row prints as text, for this transaction only, so a
-- table's checksum on the source and on a restored copy (another server, session or time zone)
-- is computed over the same text. Returns: one row.
SELECT set_config('TimeZone', 'UTC', true),
       set_config('DateStyle', 'ISO, MDY', true),
       set_config('IntervalStyle', 'postgres', true),
       set_config('extra_float_digits', '1', true),
       set_config('bytea_output', 'hex', true),
       set_config('lc_monetary', 'C', true),
       set_config('statement_timeout', '0', true),
       set_config('idle_in_transaction_session_timeout', '0', true)
