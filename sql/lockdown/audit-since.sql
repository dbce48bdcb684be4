-- Audit rows of the lockdown playbook requests made since a lockdown began (request times are
-- the bot's clock, like the lockdown's), oldest first.
-- Returns: at, actor, action, outcome, detail. $1 since (timestamptz)
SELECT a.at, a.actor, a.action, a.outcome, a.detail
FROM opsbot.audit_log a
WHERE a.detail->>'requestId' IN (
  SELECT r.id::text FROM opsbot.playbook_requests r
  WHERE r.playbook_id IN ('lockdown-start', 'lockdown-lift') AND r.created_at >= $1
)
ORDER BY a.id
