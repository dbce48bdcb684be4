-- Becomes the role Supabase's API runs signed-in users' requests as, for the rest of this
-- transaction only (the `/db rls` transaction is read-only and rolled back).
-- No parameters, no locks. Fails with 22023 when the role does not exist and 42501 when the
-- bot role is not a member of it.
SET LOCAL ROLE authenticated
