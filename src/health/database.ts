// Database: the runbook's "Health Checks" and "Key Metrics" for Postgres, in one read-only
// transaction. Each measurement is its own section, so one that times out or is refused is
// reported as unknown and the rest still report.
import type { Clock } from '../core/clock.js';
import type { HealthThresholds } from './types.js';
import type { ReadOnlyTx, Row, SectionResult, TargetDb } from '../db/target.js';
import { formatBytes, formatCount, formatMs, formatPct, toNumber } from '../core/format.js';
import type { HealthCheck, HealthItem, Status } from './types.js';
import { errorMessage, isOpsError } from '../core/errors.js';
import { type DbMetricsSource, hostItems, type HostThresholds } from './db-metrics.js';

export const LARGEST_TABLES = 10;
const XID_HORIZON = 2 ** 31;

export interface DatabaseCheckOptions {
  db: TargetDb;
  clock: Clock;
  thresholds: HealthThresholds;
  /** CPU, memory and disk of the database host (the Supabase metrics endpoint), when configured. */
  host?: { source: DbMetricsSource; thresholds: HostThresholds };
}

function unknownItem(key: string, label: string, threshold: string, r: Extract<SectionResult<Row>, { ok: false }>): HealthItem {
  return {
    key,
    label,
    status: 'unknown',
    value: r.message,
    threshold,
    advice:
      r.reason === 'permission'
        ? 'Grant the bot role pg_monitor (see sql/roles.sql) so it can read this.'
        : r.reason === 'timeout'
          ? 'The catalog query timed out: the database may be overloaded; check CPU and locks (`/db locks`).'
          : 'Could not measure this; check the bot logs.',
  };
}

export function databaseCheck(o: DatabaseCheckOptions): HealthCheck {
  const t = o.thresholds;
  return {
    component: 'database',
    title: 'Database',
    async run(ctx) {
      const started = o.clock.monotonic();
      // The host's metrics come over HTTP, beside the SQL: a slow scrape does not hold the transaction open.
      const host = o.host ? hostItems(o.host.source, o.host.thresholds, ctx) : Promise.resolve([]);
      host.catch(() => undefined); // awaited below; a database failure must not leave it unhandled
      let sqlItems: HealthItem[];
      try {
        sqlItems = await o.db.readOnly('health', (tx) => sqlChecks(tx, t, o.clock, started));
      } catch (err) {
        // Unreachable: the host's figures (often the reason, e.g. CPU at 100 %) are still worth showing.
        const hostList = await host.catch(() => []);
        if (hostList.length === 0) throw err;
        return [
          {
            key: 'reachable',
            label: 'Reachable',
            status: 'critical',
            value: isOpsError(err) ? err.userMessage : errorMessage(err),
            threshold: 'reachable',
            advice: 'Check the Supabase status page and dashboard (Database → Reports); confirm DATABASE_URL and network access.',
          },
          ...hostList,
        ];
      }
      // Host figures go after the ping, connections and size, before cache, wraparound and the table list.
      const hostList = await host;
      const at = sqlItems.findIndex((i) => i.key === 'storage');
      return at < 0 ? [...sqlItems, ...hostList] : [...sqlItems.slice(0, at + 1), ...hostList, ...sqlItems.slice(at + 1)];
    },
  };
}

async function sqlChecks(tx: ReadOnlyTx, t: HealthThresholds, clock: Clock, started: number): Promise<HealthItem[]> {
  await tx.query('queries/health/ping');
  const pingMs = clock.monotonic() - started;
  const items: HealthItem[] = [
    {
      key: 'ping',
      label: 'Connect + SELECT 1',
      status: 'ok',
      value: formatMs(pingMs),
      threshold: `answers within ${formatMs(t.checkTimeoutMs)}`,
      data: { ms: Math.round(pingMs) },
    },
  ];
  items.push(...(await connections(tx, t)));
  items.push(await storage(tx, t));
  items.push(await cacheHit(tx, t));
  items.push(await xidAge(tx, t));
  items.push(await largestTables(tx));
  return items;
}

async function connections(tx: ReadOnlyTx, t: HealthThresholds): Promise<HealthItem[]> {
  const thr = `warn ≥ ${t.connectionsWarn}, critical ≥ ${t.connectionsCritical} or ≥ ${t.connectionsCriticalPct} % of max_connections`;
  const r = await tx.section('queries/health/connections', [t.idleInTransactionSeconds, t.longRunningSeconds]);
  if (!r.ok) return [unknownItem('connections', 'Connections', thr, r)];
  const row = r.rows[0] ?? {};
  const total = toNumber(row.total) ?? 0;
  const max = toNumber(row.max_connections) ?? 0;
  const pct = max > 0 ? (total / max) * 100 : 0;
  const status: Status =
    total >= t.connectionsCritical || pct >= t.connectionsCriticalPct ? 'critical' : total >= t.connectionsWarn ? 'warn' : 'ok';
  const idleInTx = toNumber(row.idle_in_tx_over) ?? 0;
  const longRunning = toNumber(row.long_running_over) ?? 0;
  const longest = toNumber(row.longest_running_s) ?? 0;
  return [
    {
      key: 'connections',
      label: 'Connections',
      status,
      value: `${total} of ${max} (${formatPct(pct, 0)}); ${toNumber(row.active) ?? 0} active, ${toNumber(row.idle) ?? 0} idle, ${toNumber(row.idle_in_tx) ?? 0} idle in transaction`,
      threshold: thr,
      ...(status !== 'ok'
        ? {
            advice:
              'Connection pool filling up: find idle and leaked connections with `/db connections`, terminate idle ones (playbook kill-idle-connections), and make clients use the pooler.',
          }
        : {}),
      data: { total, max, active: toNumber(row.active), idle: toNumber(row.idle), idleInTransaction: toNumber(row.idle_in_tx) },
    },
    {
      key: 'idle_in_transaction',
      label: 'Idle in transaction',
      status: idleInTx > 0 ? 'warn' : 'ok',
      value: `${idleInTx} session${idleInTx === 1 ? '' : 's'} over ${t.idleInTransactionSeconds} s`,
      threshold: `none over ${t.idleInTransactionSeconds} s`,
      ...(idleInTx > 0
        ? { advice: 'Sessions idle in a transaction hold locks and block vacuum: find them with `/db connections` and end them (playbook terminate-backend).' }
        : {}),
      data: { count: idleInTx, thresholdSeconds: t.idleInTransactionSeconds },
    },
    {
      key: 'long_running',
      label: 'Long-running statements',
      status: longRunning > 0 ? 'warn' : 'ok',
      value: `${longRunning} over ${t.longRunningSeconds} s${longRunning > 0 ? ` (longest ${formatMs(longest * 1000)})` : ''}`,
      threshold: `none over ${t.longRunningSeconds} s`,
      ...(longRunning > 0
        ? { advice: 'Long statements: inspect them with `/db long` and `/db locks`; cancel the culprit (playbook terminate-backend) if it blocks others.' }
        : {}),
      data: { count: longRunning, longestSeconds: Math.round(longest), thresholdSeconds: t.longRunningSeconds },
    },
  ];
}

async function storage(tx: ReadOnlyTx, t: HealthThresholds): Promise<HealthItem> {
  const thr = `warn ≥ ${t.storageWarnPct} %, critical ≥ ${t.storageCriticalPct} % of ${formatBytes(t.storageLimitBytes)}`;
  const r = await tx.section('queries/health/database-size');
  if (!r.ok) return unknownItem('storage', 'Database size', thr, r);
  const bytes = toNumber(r.rows[0]?.bytes) ?? 0;
  const pct = (bytes / t.storageLimitBytes) * 100;
  const status: Status = pct >= t.storageCriticalPct ? 'critical' : pct >= t.storageWarnPct ? 'warn' : 'ok';
  return {
    key: 'storage',
    label: 'Database size',
    status,
    value: `${formatBytes(bytes)} (${formatPct(pct)} of ${formatBytes(t.storageLimitBytes)})`,
    threshold: thr,
    ...(status !== 'ok'
      ? {
          advice:
            'Storage running out: find the largest tables (`/db tables`), purge old data (playbook purge-old-interactions), VACUUM, or upgrade the plan before the database turns read-only.',
        }
      : {}),
    data: { bytes, limitBytes: t.storageLimitBytes, pct: Number(pct.toFixed(2)) },
  };
}

async function cacheHit(tx: ReadOnlyTx, t: HealthThresholds): Promise<HealthItem> {
  const thr = `≥ ${t.cacheHitWarnPct} %`;
  const r = await tx.section('queries/health/cache-hit');
  if (!r.ok) return unknownItem('cache_hit', 'Cache hit ratio', thr, r);
  const hit = toNumber(r.rows[0]?.blks_hit) ?? 0;
  const read = toNumber(r.rows[0]?.blks_read) ?? 0;
  const reset = r.rows[0]?.stats_reset;
  const since = reset instanceof Date ? ` since ${reset.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ' since the server started';
  if (hit + read === 0) {
    return { key: 'cache_hit', label: 'Cache hit ratio', status: 'ok', value: `no reads yet${since}`, threshold: thr, data: { hit, read } };
  }
  const pct = (hit / (hit + read)) * 100;
  const status: Status = pct < t.cacheHitWarnPct ? 'warn' : 'ok';
  return {
    key: 'cache_hit',
    label: 'Cache hit ratio',
    status,
    value: `${formatPct(pct, 2)}${since}`,
    threshold: thr,
    ...(status !== 'ok'
      ? { advice: 'Too many reads from disk: look for sequential scans on large tables (`/db indexes`), add the missing indexes, or move to a larger compute size.' }
      : {}),
    data: { pct: Number(pct.toFixed(3)), hit, read },
  };
}

async function xidAge(tx: ReadOnlyTx, t: HealthThresholds): Promise<HealthItem> {
  const thr = `warn ≥ ${t.xidAgeWarnPct} %, critical ≥ ${t.xidAgeCriticalPct} % of 2^31`;
  const r = await tx.section('queries/health/xid-age');
  if (!r.ok) return unknownItem('xid_age', 'Transaction-ID age', thr, r);
  const age = toNumber(r.rows[0]?.xid_age) ?? 0;
  const pct = (age / XID_HORIZON) * 100;
  const status: Status = pct >= t.xidAgeCriticalPct ? 'critical' : pct >= t.xidAgeWarnPct ? 'warn' : 'ok';
  return {
    key: 'xid_age',
    label: 'Transaction-ID age',
    status,
    value: `${formatCount(age)} (${formatPct(pct, 2)} of wraparound) in ${typeof r.rows[0]?.datname === 'string' ? r.rows[0].datname : '?'}`,
    threshold: thr,
    ...(status !== 'ok'
      ? { advice: 'Wraparound risk: run VACUUM (FREEZE) on the oldest tables (`/db wraparound`), and end long transactions that hold back the xmin horizon.' }
      : {}),
    data: { age, pct: Number(pct.toFixed(3)), database: r.rows[0]?.datname },
  };
}

const LARGEST_LABEL = `${LARGEST_TABLES} largest tables`;
const LOCK_ADVICE = 'A session holds (or waits for) an ACCESS EXCLUSIVE lock, e.g. a migration, VACUUM FULL or LOCK TABLE: see it with `/db locks`; end it with the playbook terminate-backend if it should not be there.';

interface LockHolder {
  table: string;
  pid: number;
  granted: boolean;
}

function skippedText(locks: LockHolder[]): string {
  return locks
    .map((l) => `skipped: table locked by pid ${l.pid} (${l.table}${l.granted ? '' : ', waiting for ACCESS EXCLUSIVE'})`)
    .join('; ');
}

// Informational: the list is context for people, so a table that cannot be sized right now (an
// ACCESS EXCLUSIVE lock) is skipped with the pid holding it, and never sets the component's status.
async function largestTables(tx: ReadOnlyTx): Promise<HealthItem> {
  const r = await tx.section('queries/health/largest-tables', [LARGEST_TABLES]);
  if (!r.ok) {
    // A lock taken after the query looked at pg_locks: name its holder if it is still there.
    const locks = r.reason === 'timeout' ? await exclusiveLocks(tx) : [];
    if (locks.length > 0) {
      return {
        key: 'largest_tables',
        label: LARGEST_LABEL,
        status: 'unknown',
        value: skippedText(locks),
        threshold: 'information',
        advice: LOCK_ADVICE,
        informational: true,
        data: { tables: [], skipped: locks },
      };
    }
    return { ...unknownItem('largest_tables', LARGEST_LABEL, 'information', r), informational: true };
  }
  const tables = r.rows
    .filter((row) => row.locked_by === null || row.locked_by === undefined)
    .map((row) => ({
      schema: String(row.schema),
      name: String(row.name),
      totalBytes: toNumber(row.total_bytes) ?? 0,
      rowEstimate: toNumber(row.row_estimate) ?? 0,
    }));
  const skipped: LockHolder[] = r.rows
    .filter((row) => row.locked_by !== null && row.locked_by !== undefined)
    .map((row) => ({ table: `${String(row.schema)}.${String(row.name)}`, pid: toNumber(row.locked_by) ?? 0, granted: row.lock_granted === true }));
  const listed = tables.length === 0 ? (skipped.length ? '' : 'no tables') : tables.map((x) => `${x.schema}.${x.name} ${formatBytes(x.totalBytes)}`).join(', ');
  return {
    key: 'largest_tables',
    label: LARGEST_LABEL,
    status: skipped.length ? 'unknown' : 'ok',
    value: [listed, skipped.length ? skippedText(skipped) : ''].filter(Boolean).join('; '),
    threshold: 'information',
    ...(skipped.length ? { advice: LOCK_ADVICE } : {}),
    informational: true,
    data: { tables, ...(skipped.length ? { skipped } : {}) },
  };
}

async function exclusiveLocks(tx: ReadOnlyTx): Promise<LockHolder[]> {
  const r = await tx.section('queries/health/relation-locks');
  if (!r.ok) return [];
  // Holders come first (the SQL orders granted locks first): one line per table.
  const byTable = new Map<string, LockHolder>();
  for (const row of r.rows) {
    const table = `${String(row.schema)}.${String(row.name)}`;
    if (byTable.has(table)) continue;
    const granted = row.granted === true;
    byTable.set(table, { table, pid: toNumber(row.pid) ?? 0, granted });
  }
  return [...byTable.values()];
}
