-- Prepares the pg_stat_statements text `/db explain` plans, with its $n parameters left untyped
-- so Postgres infers them (PREPARE without a type list). {{statement}} is that text as the
-- database recorded it — one statement, checked by code to contain no ";" — never text typed in
-- Slack. Preparing plans nothing and runs nothing. No locks beyond parse-time catalog reads.
PREPARE opsbot_explain AS {{statement}}
