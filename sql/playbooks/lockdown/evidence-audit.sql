-- Evidence: Supabase Auth audit entries of the last $1 days. Returns: id, created_at, ip_address, payload.
SELECT id, created_at, ip_address, payload
FROM auth.audit_log_entries
WHERE created_at > now() - make_interval(days => $1)
ORDER BY created_at
