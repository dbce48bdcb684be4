-- Least-privilege roles for the ops bot on the target (Supabase) database.
-- Run once as an administrator (the Supabase `postgres` role can grant all of these), then
-- point DATABASE_URL at opsbot_ro and, when playbooks that write are enabled,
-- DATABASE_ADMIN_URL at opsbot_rw. Replace the passwords; never commit real ones.
-- Connect directly (db.<ref>.supabase.co:5432) or through the session-mode pooler: the
-- transaction-mode pooler (port 6543) breaks session settings the bot relies on.

-- Read-only diagnostics: /health, /db, /slowqueries.
CREATE ROLE opsbot_ro LOGIN PASSWORD 'change-me' CONNECTION LIMIT 5;
-- pg_monitor = pg_read_all_settings + pg_read_all_stats + pg_stat_scan_tables: other sessions'
-- queries in pg_stat_activity, pg_stat_statements for every role, pg_ls_waldir().
GRANT pg_monitor TO opsbot_ro;
-- Never queue behind DDL, never run away; the bot also sets these per transaction.
ALTER ROLE opsbot_ro SET statement_timeout = '10s';
ALTER ROLE opsbot_ro SET lock_timeout = '1s';
ALTER ROLE opsbot_ro SET idle_in_transaction_session_timeout = '30s';
ALTER ROLE opsbot_ro SET default_transaction_read_only = on;
-- Failed sign-ins for /health auth (GoTrue's audit table; reading it is allowed to postgres).
GRANT USAGE ON SCHEMA auth TO opsbot_ro;
GRANT SELECT ON auth.audit_log_entries TO opsbot_ro;
-- pg_stat_statements lives in `extensions` on Supabase.
GRANT USAGE ON SCHEMA extensions TO opsbot_ro;

-- Approved playbooks that write (kill idle connections, clear test data, disable users,
-- lockdown). Only what those playbooks touch.
CREATE ROLE opsbot_rw LOGIN PASSWORD 'change-me-too' CONNECTION LIMIT 3;
GRANT pg_monitor TO opsbot_rw;
-- Terminate other sessions (never superuser ones: Postgres refuses that to this role).
GRANT pg_signal_backend TO opsbot_rw;
ALTER ROLE opsbot_rw SET statement_timeout = '30s';
ALTER ROLE opsbot_rw SET lock_timeout = '2s';
GRANT USAGE ON SCHEMA auth TO opsbot_rw;
GRANT SELECT ON auth.audit_log_entries, auth.users TO opsbot_rw;
GRANT SELECT, DELETE ON auth.sessions, auth.refresh_tokens TO opsbot_rw;
GRANT USAGE ON SCHEMA public TO opsbot_rw;
GRANT SELECT ON public.organizations TO opsbot_rw;
GRANT SELECT, UPDATE (active, updated_at) ON public.profiles, public.integrations TO opsbot_rw;
GRANT SELECT, INSERT, DELETE ON public.user_roles TO opsbot_rw;
GRANT SELECT, DELETE ON public.leads, public.quotes, public.interactions TO opsbot_rw;
-- terminate-backend only signals sessions of this database (pg_signal_backend above; never
-- superusers). grant-role writes user_roles.role as text and lets the column's type convert it.
-- create-recommended-indexes: only a table's owner may CREATE INDEX, which no grant gives; run
-- it with DATABASE_ADMIN_URL pointing at the owner (postgres on Supabase), or it fails with
-- "must be owner of table".
-- delete-user locks every row of the user's cascade (SELECT … FOR UPDATE needs UPDATE) and
-- deletes the auth.users row; the cascade itself runs as each table's owner. Its cascade reaches
-- whatever tables reference auth.users, so grant it per table, or run it with DATABASE_ADMIN_URL
-- pointing at postgres:
--   GRANT SELECT, UPDATE, DELETE ON auth.users, auth.sessions, auth.refresh_tokens TO opsbot_rw;
--   GRANT SELECT, UPDATE ON public.profiles, public.user_roles TO opsbot_rw;  -- and the app's others
-- read-only-mode runs ALTER DATABASE … SET default_transaction_read_only, which only the
-- database's owner (or a superuser) may do: it fails with "must be owner of database" otherwise.

-- Backups (/backup): dumping needs a role that reads every table, e.g.
--   GRANT pg_read_all_data TO opsbot_rw;
-- and restoring needs to set session_replication_role, which only a superuser or Supabase's
-- postgres role may do: point BACKUP_DATABASE_URL at the postgres role for restores.

-- The state store (schema opsbot, on STATE_DATABASE_URL) belongs to the role the bot connects
-- with there; migrations create it. The audit log is append-only by trigger for every role.
