-- Locks one request row for the rest of the transaction (serialises approvals of it).
-- Returns the row. $1 id. Takes a row lock (FOR UPDATE).
SELECT * FROM opsbot.playbook_requests WHERE id = $1 FOR UPDATE
