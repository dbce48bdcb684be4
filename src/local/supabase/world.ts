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
}

export function createWorld(): SimulatedWorld {
  return { gateway: 'ok', gatewayDelayMs: 0, authUp: true, frontendUp: true, events: [], aiCalls: new Map() };
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
