-- The tables that read the most blocks from outside shared_buffers (heap, index and TOAST),
-- with their own hit ratios: where a low overall ratio comes from.
-- Returns up to $1 rows: schema, name, blocks_read, blocks_hit, heap_hit_pct, idx_hit_pct.
-- $1 how many. Reads statistics only; no locks.
SELECT
  schemaname AS schema,
  relname AS name,
  heap_blks_read + COALESCE(idx_blks_read, 0) + COALESCE(toast_blks_read, 0) + COALESCE(tidx_blks_read, 0) AS blocks_read,
  heap_blks_hit + COALESCE(idx_blks_hit, 0) + COALESCE(toast_blks_hit, 0) + COALESCE(tidx_blks_hit, 0) AS blocks_hit,
  round(100.0 * heap_blks_hit / NULLIF(heap_blks_hit + heap_blks_read, 0), 2) AS heap_hit_pct,
  round(100.0 * idx_blks_hit / NULLIF(idx_blks_hit + idx_blks_read, 0), 2) AS idx_hit_pct
FROM pg_statio_user_tables
WHERE heap_blks_read + COALESCE(idx_blks_read, 0) + COALESCE(toast_blks_read, 0) + COALESCE(tidx_blks_read, 0) > 0
ORDER BY blocks_read DESC, schemaname, relname
LIMIT $1
