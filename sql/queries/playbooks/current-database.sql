-- The database the bot is connected to. Returns: db. No parameters.
SELECT current_database() AS db
