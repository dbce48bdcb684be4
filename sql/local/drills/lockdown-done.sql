-- Whether the breach is contained as the runbook asks: no session left and no integration on.
-- Returns one row (sessions, integrations). No parameters, no locks.
SELECT (SELECT count(*) FROM auth.sessions)::int AS sessions,
       (SELECT count(*) FROM public.integrations WHERE active)::int AS integrations
