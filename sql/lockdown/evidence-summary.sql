-- What evidence a lockdown holds. Returns: kind, captured_at, row_count. $1 lockdown id
SELECT kind, captured_at, row_count FROM opsbot.lockdown_evidence WHERE lockdown_id = $1 ORDER BY kind
