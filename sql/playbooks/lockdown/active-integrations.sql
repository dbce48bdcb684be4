-- Integrations that are switched on now. Returns: id, provider.
SELECT id, provider FROM public.integrations WHERE active ORDER BY id
