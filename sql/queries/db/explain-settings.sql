-- For the rest of the `/db explain` transaction: the search_path the app's statements are
-- written for (Supabase's API: public, extensions), and generic plans for prepared statements,
-- so EXECUTE with NULL arguments is planned for any value rather than for NULL.
-- Returns one row: search_path, plan_cache_mode. No parameters, no locks.
SELECT set_config('search_path', 'public, extensions', true) AS search_path, set_config('plan_cache_mode', 'force_generic_plan', true) AS plan_cache_mode
