// The state of the simulated Supabase project that drills change: how the AI gateway behind
// the ai-chat function answers, whether Auth and the front end are up, and log events added
// on top of the generated background (a failed-login storm, a leaked key). One object shared
// by the simulated server and the drills.

/** What the AI gateway behind ai-chat answers: normally, rate limited (429), or out of credits (402). */
export type GatewayMode = 'ok' | 'rate_limited' | 'no_credits';

export type LogTable = 'function_edge_logs' | 'function_logs' | 'postgres_logs' | 'auth_logs';

/** One log line as the Management API returns it (BigQuery dialect); metadata is Supabase's nested list. */
export interface LogEvent {
  table: LogTable;
  /** Epoch milliseconds. */
  at: number;
  message: string;
  level: 'info' | 'warning' | 'error' | 'log' | 'fatal';
  metadata: Record<string, unknown>;
}

export interface SimulatedWorld {
  gateway: GatewayMode;
  /** When set, every ai-chat call takes at least this long (a slow upstream). */
  gatewayDelayMs: number;
  authUp: boolean;
  frontendUp: boolean;
  /** Events added by drills, merged with the generated background by time. */
  events: LogEvent[];
  /** ai-chat calls answered since the start, by status, for drills that change over time. */
  aiCalls: Map<number, number>;
  /** The database host behind the metrics endpoint: idle CPU share, memory and disk. */
  host: SimulatedHost;
  /** Auth's Site URL as the Management API reports it; undefined = the app's URL (a drill can break it). */
  authSiteUrl?: string;
}

/** The simulated database host (a 2-core, 4 GiB compute with an 8 GiB disk). */
export interface SimulatedHost {
  cpus: number;
  /** CPU share busy with no query running; each running statement adds to it. */
  baseBusy: number;
  memTotalBytes: number;
  memUsedBytes: number;
  diskSizeBytes: number;
  diskUsedBytes: number;
}

export function createHost(): SimulatedHost {
  return { cpus: 2, baseBusy: 0.12, memTotalBytes: 4 * 1024 ** 3, memUsedBytes: 1.4 * 1024 ** 3, diskSizeBytes: 8 * 1024 ** 3, diskUsedBytes: 2.3 * 1024 ** 3 };
}

export function createWorld(): SimulatedWorld {
  return { gateway: 'ok', gatewayDelayMs: 0, authUp: true, frontendUp: true, events: [], aiCalls: new Map(), host: createHost() };
}

/** Keeps the injected events bounded (a day of a storm at most). */
export const MAX_EVENTS = 50_000;

export function addEvents(world: SimulatedWorld, events: readonly LogEvent[]): void {
  world.events.push(...events);
  if (world.events.length > MAX_EVENTS) world.events.splice(0, world.events.length - MAX_EVENTS);
}

/** Removes the events a drill added (by a tag in their metadata). */
export function removeEvents(world: SimulatedWorld, tag: string): void {
  world.events = world.events.filter((e) => e.metadata.drill !== tag);
}
