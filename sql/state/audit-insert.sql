-- Appends one audit row and links it to the timeline of every incident it belongs to, in one
-- statement (so no caller can write the one without the other). Returns: id, at.
-- $1 actor, $2 action, $3 target, $4 channel, $5 outcome, $6 detail (jsonb)
-- An audit row belongs to an incident when
--   - it was written in the incident's channel while the incident is open, or
--   - its detail.incidentId names the incident (the resolve entry itself, the postmortem, events
--     written from elsewhere with an explicit id) — cast only after a digits-only check, so a
--     malformed value matches nothing instead of failing the insert, or
--   - it is a lockdown step and the incident is an open data breach, from whichever channel it
--     came: a lockdown playbook row (target lockdown-start / lockdown-lift, action playbook.*),
--     a lockdown.* action (deadline reminders posted or done) or a tick on a lockdown.* checklist, or
--   - it is a lockdown.* action naming (detail.lockdownId) the lockdown linked to the incident,
--     resolved or not: the 72 h notification deadline outlives a breach resolved on day one.
-- Reserved incidents (channel_id NULL) are linked only through an explicit incidentId.
WITH entry AS (
  INSERT INTO opsbot.audit_log (actor, action, target, channel, outcome, detail)
  VALUES ($1, $2, $3, $4, $5, $6::jsonb)
  RETURNING id, at, action, target, channel, detail
), links AS (
  INSERT INTO opsbot.incident_timeline (incident_id, audit_id, at)
  SELECT i.id, e.id, e.at
  FROM entry e
  JOIN opsbot.incidents i ON i.channel_id = e.channel AND i.resolved_at IS NULL
  UNION
  SELECT i.id, e.id, e.at
  FROM entry e
  JOIN opsbot.incidents i ON i.id = CASE WHEN e.detail ->> 'incidentId' ~ '^[0-9]{1,9}$' THEN (e.detail ->> 'incidentId')::integer END
  UNION
  SELECT i.id, e.id, e.at
  FROM entry e
  JOIN opsbot.incidents i ON i.lockdown_id IS NOT NULL AND i.lockdown_id::text = lower(e.detail ->> 'lockdownId')
  WHERE e.action LIKE 'lockdown.%'
  UNION
  SELECT i.id, e.id, e.at
  FROM entry e
  JOIN opsbot.incidents i ON i.kind = 'data_breach' AND i.resolved_at IS NULL AND i.channel_id IS NOT NULL
  WHERE (e.action LIKE 'playbook.%' AND e.target IN ('lockdown-start', 'lockdown-lift'))
     OR e.action LIKE 'lockdown.%'
     OR (e.action = 'checklist.tick' AND e.detail ->> 'kind' LIKE 'lockdown.%')
  ON CONFLICT DO NOTHING
)
SELECT id, at FROM entry
