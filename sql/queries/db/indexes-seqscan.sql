-- Large tables (at least $1 rows) read mostly by sequential scans: index scans are less than
-- $2 % of all scans (PgHero's missing-index rule, plus tables never read through an index).
-- All schemas except the system ones. Returns up to $3 rows, most rows read by sequential scans
-- first: schema, name, live_rows, seq_scan, seq_tup_read, idx_scan, index_use_pct,
-- rows_per_seq_scan, total. $1 min rows, $2 index-use percent, $3 how many.
-- Reads statistics only; no locks on user tables.
WITH t AS (
  SELECT
    s.schemaname,
    s.relname,
    s.n_live_tup,
    s.seq_scan,
    s.seq_tup_read,
    COALESCE(s.idx_scan, 0) AS idx_scan,
    100.0 * COALESCE(s.idx_scan, 0) / NULLIF(s.seq_scan + COALESCE(s.idx_scan, 0), 0) AS index_use_pct
  FROM pg_stat_user_tables s
  WHERE s.n_live_tup >= $1
    AND s.seq_scan > 0
    AND s.schemaname !~ '^pg_(toast|temp_)'
),
flagged AS (
  SELECT t.*, count(*) OVER () AS total FROM t WHERE t.index_use_pct < $2
)
SELECT
  schemaname AS schema,
  relname AS name,
  n_live_tup AS live_rows,
  seq_scan,
  seq_tup_read,
  idx_scan,
  round(index_use_pct, 1) AS index_use_pct,
  seq_tup_read / seq_scan AS rows_per_seq_scan,
  total
FROM flagged
ORDER BY seq_tup_read DESC, schemaname, relname
LIMIT $3
