-- When the next due view can be claimed (the earliest not_before or lease end among due viewers).
-- Returns: at (null when none is due). $1 oldest recent opened_at
SELECT min(greatest(coalesce(not_before, '-infinity'), coalesce(claimed_until, '-infinity'))) AS at
FROM opsbot.home_viewers
WHERE opened_at >= $1 AND changed_at > coalesce(covered_at, '-infinity')
