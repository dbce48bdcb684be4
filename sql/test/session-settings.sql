-- Test support only (test/db/transaction-settings.test.ts): the settings a statement of the bot
-- runs under. Returns one row: statement_timeout, lock_timeout (ms, as text), application_name,
-- read_only ('on' or 'off'). No parameters, no locks.
SELECT
  (SELECT setting FROM pg_settings WHERE name = 'statement_timeout') AS statement_timeout,
  (SELECT setting FROM pg_settings WHERE name = 'lock_timeout') AS lock_timeout,
  current_setting('application_name') AS application_name,
  current_setting('transaction_read_only') AS read_only
