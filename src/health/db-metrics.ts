// Database host CPU, memory and disk from Supabase's Prometheus-format metrics endpoint
// (https://<ref>.supabase.co/customer/v1/privileged/metrics, HTTP basic auth service_role + the
// service-role key). CPU is a rate: node_cpu_seconds_total only ever grows, so one scrape says
// nothing about now. The previous scrape is kept and CPU % is busy time over all time between two
// scrapes, summed over every core; when there is no usable previous scrape (first check after a
// start, a counter reset, one too old) a second scrape is taken a moment after the first.
import type { Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import { formatBytes, formatPct } from '../core/format.js';
import type { Sleep } from '../core/retry.js';
import { describeFetchError } from './frontend.js';
import { probe } from './probe.js';
import { parsePrometheusText, PromParseError, type PromExposition, samplesOf } from './prometheus.js';
import type { CheckContext, HealthItem, Status } from './types.js';

/** The counters and gauges of one scrape that the figures are computed from. */
export interface HostScrape {
  at: number;
  /** Seconds of CPU time, summed over cores: all modes, and the idle mode. */
  cpuTotalSeconds: number;
  cpuIdleSeconds: number;
  cpus: number;
  memTotalBytes?: number;
  memAvailableBytes?: number;
  disk?: { mountpoint: string; sizeBytes: number; availBytes: number };
}

/** What /health db and the CPU and storage alerts read. */
export interface HostMetrics {
  /** Busy share of all cores between two scrapes `overMs` apart; absent when it could not be computed. */
  cpu?: { pct: number; cpus: number; overMs: number };
  /** Why CPU is absent. */
  cpuProblem?: string;
  memory?: { usedBytes: number; totalBytes: number; pct: number };
  disk?: { mountpoint: string; usedBytes: number; sizeBytes: number; pct: number };
}

export type MetricsFailure = 'refused' | 'not_found' | 'rate_limited' | 'http' | 'unreachable' | 'format' | 'no_cpu';

/** A scrape that did not give figures: why, for the health item. */
export class MetricsError extends UpstreamError {
  constructor(
    readonly failure: MetricsFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads the database host's metrics. */
export interface DbMetricsSource {
  /** Scrapes (twice when needed) and returns the figures; throws MetricsError. */
  read(ctx: CheckContext): Promise<HostMetrics>;
}

export interface DbMetricsSourceOptions {
  /** The metrics endpoint (SUPABASE_METRICS_URL). */
  url: string;
  serviceRoleKey: string;
  fetch: typeof fetch;
  clock: Clock;
  /** Waits between the two scrapes of a cold start, and before a network retry (tests: at once). */
  sleep?: Sleep;
  /** Gap between two scrapes when there is no usable previous one (default 1 s). */
  sampleGapMs?: number;
  /** A previous scrape older than this is not used (default 15 min). */
  maxPreviousAgeMs?: number;
}

/** Disk of the database: Supabase mounts its data directory on /data; "/" for other layouts. */
const DATA_MOUNTS = ['/data', '/'];

const wait: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** The figures of one scrape's text; throws MetricsError when it has no CPU counters. */
export function hostScrape(exp: PromExposition, at: number): HostScrape {
  const cpu = samplesOf(exp, 'node_cpu_seconds_total');
  if (cpu.length === 0) throw new MetricsError('no_cpu', 'The metrics endpoint answered without node_cpu_seconds_total, so CPU cannot be computed.');
  const cores = new Set(cpu.map((s) => s.labels.cpu ?? ''));
  const total = cpu.reduce((a, s) => a + s.value, 0);
  const idle = cpu.filter((s) => s.labels.mode === 'idle').reduce((a, s) => a + s.value, 0);
  const gauge = (name: string) => samplesOf(exp, name).find((s) => Number.isFinite(s.value))?.value;
  const memTotal = gauge('node_memory_MemTotal_bytes');
  const memAvailable = gauge('node_memory_MemAvailable_bytes');
  let disk: HostScrape['disk'];
  for (const mountpoint of DATA_MOUNTS) {
    const size = samplesOf(exp, 'node_filesystem_size_bytes', { mountpoint })[0]?.value;
    const avail = samplesOf(exp, 'node_filesystem_avail_bytes', { mountpoint })[0]?.value;
    if (size !== undefined && avail !== undefined && size > 0) {
      disk = { mountpoint, sizeBytes: size, availBytes: avail };
      break;
    }
  }
  return {
    at,
    cpuTotalSeconds: total,
    cpuIdleSeconds: idle,
    cpus: cores.size,
    ...(memTotal !== undefined ? { memTotalBytes: memTotal } : {}),
    ...(memAvailable !== undefined ? { memAvailableBytes: memAvailable } : {}),
    ...(disk ? { disk } : {}),
  };
}

/** CPU % between two scrapes, or undefined when they cannot be compared (reset, no time between). */
export function cpuBetween(prev: HostScrape, next: HostScrape): number | undefined {
  const total = next.cpuTotalSeconds - prev.cpuTotalSeconds;
  const idle = next.cpuIdleSeconds - prev.cpuIdleSeconds;
  // Counters restart from zero when the host restarts: a negative delta is not a measurement.
  if (!(total > 0) || idle < 0 || idle > total || next.cpus !== prev.cpus) return undefined;
  return ((total - idle) / total) * 100;
}

export function createDbMetricsSource(o: DbMetricsSourceOptions): DbMetricsSource {
  const gapMs = o.sampleGapMs ?? 1000;
  const maxAgeMs = o.maxPreviousAgeMs ?? 15 * 60_000;
  const sleep = o.sleep ?? wait;
  const auth = `Basic ${Buffer.from(`service_role:${o.serviceRoleKey}`).toString('base64')}`;
  let previous: HostScrape | undefined;

  const scrape = async (ctx: CheckContext): Promise<HostScrape> => {
    let res: Response;
    let body: string;
    try {
      ({ res, body } = await probe(o, ctx, o.url, { headers: { authorization: auth, accept: 'text/plain' } }, true));
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new MetricsError('unreachable', `The metrics endpoint did not answer (${describeFetchError(err)}).`, { cause: err });
    }
    if (res.status === 401 || res.status === 403) {
      throw new MetricsError('refused', `The metrics endpoint refused the service-role key (HTTP ${res.status}): check SUPABASE_SERVICE_ROLE_KEY.`);
    }
    if (res.status === 404) throw new MetricsError('not_found', 'No metrics endpoint at SUPABASE_METRICS_URL (HTTP 404): check the URL (…/customer/v1/privileged/metrics of the project).');
    if (res.status === 429) throw new MetricsError('rate_limited', 'The metrics endpoint is rate limiting (HTTP 429): scrape less often; the next check will try again.');
    if (!res.ok) throw new MetricsError('http', `The metrics endpoint answered HTTP ${res.status}; the next check will try again.`);
    let exp: PromExposition;
    try {
      exp = parsePrometheusText(body);
    } catch (err) {
      if (err instanceof PromParseError) throw new MetricsError('format', `The metrics endpoint answered something that is not Prometheus text (${err.message}).`, { cause: err });
      throw err;
    }
    return hostScrape(exp, o.clock.now());
  };

  return {
    async read(ctx) {
      const started = o.clock.monotonic();
      const latest = await scrape(ctx);
      const prev = previous;
      let from = prev && latest.at - prev.at <= maxAgeMs ? prev : undefined;
      let cpu = from ? cpuBetween(from, latest) : undefined;
      let to = latest;
      let cpuProblem: string | undefined;
      if (cpu === undefined) {
        // No usable earlier scrape: take a second one, if the check's time allows it.
        const left = ctx.timeoutMs - (o.clock.monotonic() - started);
        if (left < gapMs * 2) {
          cpuProblem = 'Only one metrics scrape fit in the check time, and CPU needs two; the next check will have it.';
        } else {
          await sleep(gapMs, ctx.signal);
          from = latest;
          to = await scrape(ctx);
          cpu = cpuBetween(from, to);
          if (cpu === undefined) cpuProblem = 'The CPU counters did not advance between two scrapes (or were reset); the next check will have it.';
        }
      }
      // Kept even when CPU could not be computed: it is the next check's starting point.
      previous = to;
      const out: HostMetrics = cpu !== undefined ? { cpu: { pct: cpu, cpus: to.cpus, overMs: Math.max(0, to.at - from!.at) } } : { cpuProblem: cpuProblem ?? 'CPU could not be computed.' };
      if (to.memTotalBytes !== undefined && to.memAvailableBytes !== undefined && to.memTotalBytes > 0) {
        const used = to.memTotalBytes - to.memAvailableBytes;
        out.memory = { usedBytes: used, totalBytes: to.memTotalBytes, pct: (used / to.memTotalBytes) * 100 };
      }
      if (to.disk) {
        const used = to.disk.sizeBytes - to.disk.availBytes;
        out.disk = { mountpoint: to.disk.mountpoint, usedBytes: used, sizeBytes: to.disk.sizeBytes, pct: (used / to.disk.sizeBytes) * 100 };
      }
      return out;
    },
  };
}

/** Thresholds of the host items (runbook: CPU > 80 %, storage > 90 %). */
export interface HostThresholds {
  cpuWarnPct: number;
  cpuCriticalPct: number;
  memoryWarnPct: number;
  storageWarnPct: number;
  storageCriticalPct: number;
}

const CPU_ADVICE = 'High database CPU: find the expensive queries (`/slowqueries`), cancel runaway ones (playbook terminate-backend), add missing indexes (`/db indexes`), or move to a larger compute size.';

function advice(failure: MetricsFailure): string {
  switch (failure) {
    case 'refused':
      return 'Set SUPABASE_SERVICE_ROLE_KEY to the project’s service_role key (Settings → API); the metrics endpoint takes it as the basic-auth password of user service_role.';
    case 'not_found':
      return 'Set SUPABASE_METRICS_URL to https://<ref>.supabase.co/customer/v1/privileged/metrics, or check the project ref.';
    case 'rate_limited':
      return 'Scrape less often (ALERTS_SCHEDULE); meanwhile see Database → Reports in the Supabase dashboard.';
    default:
      return 'See Database → Reports in the Supabase dashboard for CPU; the next check will try the metrics endpoint again.';
  }
}

/** CPU, memory and disk as health items; a failed scrape is one unknown CPU item that says why. */
export async function hostItems(source: DbMetricsSource, t: HostThresholds, ctx: CheckContext): Promise<HealthItem[]> {
  const cpuThr = `warn ≥ ${t.cpuWarnPct} %, critical > ${t.cpuCriticalPct} %`;
  let m: HostMetrics;
  try {
    m = await source.read(ctx);
  } catch (err) {
    if (!(err instanceof MetricsError)) throw err;
    return [{ key: 'cpu', label: 'CPU', status: 'unknown', value: err.userMessage, threshold: cpuThr, advice: advice(err.failure), data: { failure: err.failure } }];
  }
  const items: HealthItem[] = [];
  if (m.cpu) {
    const cpuStatus: Status = m.cpu.pct > t.cpuCriticalPct ? 'critical' : m.cpu.pct >= t.cpuWarnPct ? 'warn' : 'ok';
    items.push({
      key: 'cpu',
      label: 'CPU',
      status: cpuStatus,
      value: `${formatPct(m.cpu.pct)} of ${m.cpu.cpus} core${m.cpu.cpus === 1 ? '' : 's'} over the last ${Math.max(1, Math.round(m.cpu.overMs / 1000))} s`,
      threshold: cpuThr,
      ...(cpuStatus !== 'ok' ? { advice: CPU_ADVICE } : {}),
      data: { pct: Number(m.cpu.pct.toFixed(2)), cpus: m.cpu.cpus, overMs: m.cpu.overMs },
    });
  } else {
    items.push({ key: 'cpu', label: 'CPU', status: 'unknown', value: m.cpuProblem ?? 'not computed', threshold: cpuThr, advice: advice('no_cpu'), data: { failure: 'no_cpu' } });
  }
  if (m.memory) {
    const st: Status = m.memory.pct >= t.memoryWarnPct ? 'warn' : 'ok';
    items.push({
      key: 'memory',
      label: 'Memory',
      status: st,
      value: `${formatBytes(m.memory.usedBytes)} of ${formatBytes(m.memory.totalBytes)} (${formatPct(m.memory.pct)})`,
      threshold: `warn ≥ ${t.memoryWarnPct} %`,
      ...(st !== 'ok'
        ? { advice: 'Memory nearly full: look for many connections (`/db connections`) and large sorts or hashes in slow queries (`/slowqueries`); consider a larger compute size.' }
        : {}),
      data: { pct: Number(m.memory.pct.toFixed(2)), usedBytes: m.memory.usedBytes, totalBytes: m.memory.totalBytes },
    });
  }
  if (m.disk) {
    const st: Status = m.disk.pct >= t.storageCriticalPct ? 'critical' : m.disk.pct >= t.storageWarnPct ? 'warn' : 'ok';
    items.push({
      key: 'disk',
      label: `Disk (${m.disk.mountpoint})`,
      status: st,
      value: `${formatBytes(m.disk.usedBytes)} of ${formatBytes(m.disk.sizeBytes)} (${formatPct(m.disk.pct)})`,
      threshold: `warn ≥ ${t.storageWarnPct} %, critical ≥ ${t.storageCriticalPct} %`,
      ...(st !== 'ok'
        ? {
            advice:
              'Disk filling up: find the largest tables (`/db tables`), purge old data (playbook purge-old-interactions), VACUUM, or grow the disk (Settings → Compute and Disk) before the database turns read-only at 95 %.',
          }
        : {}),
      data: { pct: Number(m.disk.pct.toFixed(2)), usedBytes: m.disk.usedBytes, sizeBytes: m.disk.sizeBytes, mountpoint: m.disk.mountpoint },
    });
  }
  return items;
}
