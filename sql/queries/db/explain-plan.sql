-- The generic plan of the prepared statement (plan_cache_mode = force_generic_plan): estimated,
-- nothing runs. {{args}} is "" or "(NULL, …)" with one NULL per parameter, chosen by code.
-- Returns one row: the plan as JSON (column "QUERY PLAN"). No locks beyond planning.
EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE opsbot_explain{{args}}
