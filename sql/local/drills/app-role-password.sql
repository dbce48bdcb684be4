-- Sets, for this session only, the password the next statement (app-role.sql) gives the
-- application's role. Returns one row. $1 password. No locks.
SELECT set_config('opsbot_local.app_password', $1, false) AS set
