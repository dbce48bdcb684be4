-- Records one sighting of a secret: new (first seen now, change date unknown), unchanged (last
-- seen now, back if it was gone), or changed (new salt and digest, changed now). The caller has
-- compared the digest; $7 says which case it is, so a concurrent sighting cannot invent a change.
-- Returns: name. $1 name, $2 salt, $3 digest (salted), $4 now, $5 previous digest (null when new),
-- $6 changed_at from the API (null when it gives none), $7 changed (boolean)
INSERT INTO opsbot.secret_fingerprints AS f (name, salt, digest, first_seen_at, changed_at, last_seen_at)
VALUES ($1, $2, $3, $4, $6, $4)
ON CONFLICT (name) DO UPDATE
SET salt = CASE WHEN $7 AND f.digest = $5 THEN EXCLUDED.salt ELSE f.salt END,
    digest = CASE WHEN $7 AND f.digest = $5 THEN EXCLUDED.digest ELSE f.digest END,
    changed_at = CASE WHEN $7 AND f.digest = $5 THEN COALESCE($6, $4) ELSE COALESCE($6, f.changed_at) END,
    last_seen_at = $4,
    gone_at = NULL
RETURNING name
