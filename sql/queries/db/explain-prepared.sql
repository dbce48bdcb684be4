-- Whether this session holds the statement `/db explain` prepares, and its parameters' types as
-- Postgres inferred them. Returns zero rows or one row: params (count), types (text[]).
-- No parameters, no locks.
SELECT cardinality(parameter_types) AS params, parameter_types::text[] AS types
FROM pg_prepared_statements
WHERE name = 'opsbot_explain'
