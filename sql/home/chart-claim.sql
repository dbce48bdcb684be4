-- Claims the upload of a new image of chart $1 until $3, unless another replica holds it or a
-- failed upload asked to wait (lease_until after $2).
-- Returns: name when claimed, no row otherwise. $1 chart name, $2 now, $3 lease end
-- Locks: the chart's row, for the statement only.
INSERT INTO opsbot.home_charts (name, lease_until)
VALUES ($1, $3)
ON CONFLICT (name) DO UPDATE
SET lease_until = EXCLUDED.lease_until
WHERE opsbot.home_charts.lease_until <= $2
RETURNING name
