-- What a lockdown would revoke now. Returns: sessions, refresh_tokens (all unrevoked, including
-- those of sessions), legacy_tokens (without a session), integrations_active, integrations_total.
SELECT
  (SELECT count(*) FROM auth.sessions) AS sessions,
  (SELECT count(*) FROM auth.refresh_tokens WHERE NOT COALESCE(revoked, false)) AS refresh_tokens,
  (SELECT count(*) FROM auth.refresh_tokens WHERE session_id IS NULL) AS legacy_tokens,
  (SELECT count(*) FROM public.integrations WHERE active) AS integrations_active,
  (SELECT count(*) FROM public.integrations) AS integrations_total
