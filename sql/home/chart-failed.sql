-- The upload of a new image of chart $1 failed: no replica tries again before $2.
-- Returns nothing. $1 chart name, $2 retry from, $3 the error (short)
UPDATE opsbot.home_charts
SET lease_until = $2, last_error = $3
WHERE name = $1
