-- Sets, for this transaction only, what PostgREST sets for a request carrying the user's JWT:
-- request.jwt.claims (the whole payload), the older per-claim settings request.jwt.claim.sub
-- and request.jwt.claim.role that auth.uid() and auth.role() still read, and the search_path
-- PostgREST uses (the exposed schema and extensions). Returns one row: claims.
-- $1 claims (JSON text), $2 sub (the user id), $3 role, $4 email ('' when unknown).
-- No locks.
SELECT
  set_config('request.jwt.claims', $1, true) AS claims,
  set_config('request.jwt.claim.sub', $2, true) AS sub,
  set_config('request.jwt.claim.role', $3, true) AS role,
  set_config('request.jwt.claim.email', $4, true) AS email,
  set_config('search_path', 'public, extensions', true) AS search_path
