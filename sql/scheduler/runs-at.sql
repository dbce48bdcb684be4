-- The recorded runs of given (job, scheduled time) pairs, e.g. the notices of one maintenance
-- window. Returns: job_id, scheduled_at, status, late. $1 job ids (text[]), $2 times (timestamptz[])
SELECT r.job_id, r.scheduled_at, r.status, r.late
FROM opsbot.job_runs r
JOIN unnest($1::text[], $2::timestamptz[]) AS k(job_id, scheduled_at)
  ON r.job_id = k.job_id AND r.scheduled_at = k.scheduled_at
