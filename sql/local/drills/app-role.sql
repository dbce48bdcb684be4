-- The role AutoRepAi's API connects as (not a superuser, not opsbot): the sessions drills hold
-- open are ordinary client sessions the bot's playbooks may end. Created when missing; its
-- password is the one app-role-password.sql set in this session. No parameters.
DO $role$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'autorepai_api') THEN
    BEGIN
      CREATE ROLE autorepai_api LOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  EXECUTE format('ALTER ROLE autorepai_api LOGIN NOSUPERUSER PASSWORD %L', current_setting('opsbot_local.app_password'));
  EXECUTE format('GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA public TO autorepai_api');
END
$role$
