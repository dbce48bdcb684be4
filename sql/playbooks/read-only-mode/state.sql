-- Whether the target database is in read-only mode, and who would notice: the database-level
-- default_transaction_read_only (ALTER DATABASE … SET, what read-only-mode switches), this
-- session's default and where it comes from (a server-wide 'on' from the configuration file is
-- how Supabase protects a full disk), whether the bot's own state store lives in this database,
-- and the client sessions connected now (they keep their mode until they reconnect).
-- Returns: db, db_setting (text or null), session_default, source, state_here, sessions,
-- clients (json [{who, n}], the 8 largest groups). No parameters. No locks.
SELECT
  current_database() AS db,
  (SELECT split_part(s.cfg, '=', 2)
     FROM pg_db_role_setting d
     CROSS JOIN LATERAL unnest(d.setconfig) AS s (cfg)
    WHERE d.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND d.setrole = 0
      AND s.cfg LIKE 'default\_transaction\_read\_only=%'
    LIMIT 1) AS db_setting,
  current_setting('default_transaction_read_only') AS session_default,
  (SELECT source FROM pg_settings WHERE name = 'default_transaction_read_only') AS source,
  -- From the catalog, not to_regclass: that needs USAGE on schema opsbot, which the bot's read-only role may lack.
  EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'opsbot' AND c.relname = 'playbook_requests') AS state_here,
  (SELECT count(*)::int FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid() AND COALESCE(application_name, '') NOT LIKE 'opsbot%') AS sessions,
  (SELECT COALESCE(json_agg(json_build_object('who', g.who, 'n', g.n) ORDER BY g.n DESC, g.who), '[]'::json)
     FROM (SELECT COALESCE(usename::text, '?') || COALESCE(' (' || NULLIF(application_name, '') || ')', '') AS who, count(*)::int AS n
             FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend'
              AND pid <> pg_backend_pid() AND COALESCE(application_name, '') NOT LIKE 'opsbot%'
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8) g) AS clients
