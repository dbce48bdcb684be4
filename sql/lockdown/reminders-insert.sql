-- Schedules the notification deadlines once. $1 lockdown id, $2 due 24 h, $3 due 72 h
INSERT INTO opsbot.lockdown_reminders (lockdown_id, kind, due_at)
VALUES ($1, '24h', $2), ($1, '72h', $3)
ON CONFLICT DO NOTHING
