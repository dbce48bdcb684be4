// The simulated project's Prometheus metrics endpoint (/customer/v1/privileged/metrics): the
// node_exporter families Supabase exposes for the database host, in the text format, with CPU
// counters that advance with time at the simulated load. The load follows the seeded target: every
// statement running on it adds CPU, so a runaway-query drill shows in /health db and the CPU alert.
import type { SimulatedHost } from './world.js';

const MODES = ['idle', 'iowait', 'system', 'user'] as const;
type Mode = (typeof MODES)[number];

export interface HostCounters {
  /** Epoch ms the counters were advanced to. */
  at: number;
  /** Seconds per core and mode. */
  cpu: Record<Mode, number>[];
}

/** The busy share of the simulated host with `active` statements running. */
export function busyShare(host: SimulatedHost, active: number): number {
  return Math.min(0.97, host.baseBusy + 0.35 * Math.max(0, active));
}

/** Counters of a host that has been up a day at its base load. */
export function startCounters(host: SimulatedHost, now: number): HostCounters {
  const up = 86_400;
  const b = host.baseBusy;
  return {
    at: now,
    cpu: Array.from({ length: host.cpus }, () => ({ idle: up * (1 - b), iowait: up * b * 0.05, system: up * b * 0.25, user: up * b * 0.7 })),
  };
}

/** Moves the counters to `now` at the given busy share (counters never go back). */
export function advance(c: HostCounters, now: number, busy: number): void {
  const dt = Math.max(0, now - c.at) / 1000;
  c.at = Math.max(c.at, now);
  for (const core of c.cpu) {
    core.idle += dt * (1 - busy);
    core.iowait += dt * busy * 0.05;
    core.system += dt * busy * 0.25;
    core.user += dt * busy * 0.7;
  }
}

/** The exposition text, labelled the way Supabase labels its metrics. */
export function metricsText(host: SimulatedHost, c: HostCounters, projectRef: string): string {
  const l = `service_type="db",supabase_project_ref="${projectRef}"`;
  const lines = ['# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.', '# TYPE node_cpu_seconds_total counter'];
  c.cpu.forEach((core, i) => {
    for (const m of MODES) lines.push(`node_cpu_seconds_total{cpu="${i}",mode="${m}",${l}} ${core[m]}`);
  });
  lines.push(
    '# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.',
    '# TYPE node_memory_MemTotal_bytes gauge',
    `node_memory_MemTotal_bytes{${l}} ${host.memTotalBytes}`,
    '# HELP node_memory_MemAvailable_bytes Memory information field MemAvailable_bytes.',
    '# TYPE node_memory_MemAvailable_bytes gauge',
    `node_memory_MemAvailable_bytes{${l}} ${host.memTotalBytes - host.memUsedBytes}`,
    '# HELP node_filesystem_size_bytes Filesystem size in bytes.',
    '# TYPE node_filesystem_size_bytes gauge',
    `node_filesystem_size_bytes{device="/dev/nvme1n1",fstype="ext4",mountpoint="/data",${l}} ${host.diskSizeBytes}`,
    '# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.',
    '# TYPE node_filesystem_avail_bytes gauge',
    `node_filesystem_avail_bytes{device="/dev/nvme1n1",fstype="ext4",mountpoint="/data",${l}} ${host.diskSizeBytes - host.diskUsedBytes}`,
    '# HELP pg_up Whether the last scrape of Postgres was able to connect.',
    '# TYPE pg_up gauge',
    `pg_up{${l}} 1`,
  );
  return `${lines.join('\n')}\n`;
}
