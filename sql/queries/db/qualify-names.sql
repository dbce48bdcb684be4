-- Leaves only pg_catalog on the search_path for the rest of this read-only transaction, so
-- every regclass printed by the diagnostics is schema-qualified (public.leads, not leads) and
-- no object in a user schema can shadow a catalog function the queries call.
-- Returns one row: search_path. No parameters, no locks.
SELECT set_config('search_path', 'pg_catalog', true) AS search_path
