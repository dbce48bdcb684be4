-- The last known status of every component. Returns: component, title, status, checked_at. No parameters.
SELECT component, title, status, checked_at FROM opsbot.home_health ORDER BY component
