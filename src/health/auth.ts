// Auth: GoTrue's /auth/v1/health, and failed sign-ins of the last hour from
// auth.audit_log_entries when the bot role may read it.
import type { Clock } from '../core/clock.js';
import type { TargetDb } from '../db/target.js';
import { formatMs, toNumber } from '../core/format.js';
import { describeFetchError } from './frontend.js';
import { probe } from './probe.js';
import type { Sleep } from '../core/retry.js';
import type { CheckContext, HealthCheck, HealthItem } from './types.js';
import { authConfigItems, type AuthConfigSource } from './auth-config.js';

export interface AuthCheckOptions {
  supabaseUrl: string;
  anonKey: string;
  fetch: typeof fetch;
  clock: Clock;
  db: TargetDb;
  failedLoginsPerMinuteWarn: number;
  /** Waits before the one retry after a network error (tests: at once). */
  sleep?: Sleep;
  /** Site URL, redirect URLs and email confirmation from the Management API, judged against APP_URL. */
  config?: { source: AuthConfigSource; appUrl: string };
}

const WINDOW_MINUTES = 60;

export function authCheck(o: AuthCheckOptions): HealthCheck {
  return {
    component: 'auth',
    title: 'Auth',
    async run(ctx) {
      const [service, logins, config] = await Promise.all([
        serviceItem(o, ctx),
        failedLogins(o),
        o.config ? authConfigItems(o.config.source, o.config.appUrl, ctx) : Promise.resolve([]),
      ]);
      return [service, logins, ...config];
    },
  };
}

async function serviceItem(o: AuthCheckOptions, ctx: CheckContext): Promise<HealthItem> {
  const { signal } = ctx;
  const base = { key: 'service', label: 'Auth service', threshold: 'HTTP 200 from /auth/v1/health' };
  try {
    const { res, body: text, ms } = await probe(o, ctx, `${o.supabaseUrl}/auth/v1/health`, { headers: { apikey: o.anonKey } }, true);
    if (res.status === 200) {
      let version = '';
      try {
        const j = JSON.parse(text) as { version?: unknown };
        if (typeof j.version === 'string') version = `, GoTrue ${j.version}`;
      } catch {
        // a 200 without JSON still means the service answers
      }
      return { ...base, status: 'ok', value: `200 in ${formatMs(ms)}${version}`, data: { status: 200, ms: Math.round(ms) } };
    }
    return {
      ...base,
      status: 'critical',
      value: `${res.status} in ${formatMs(ms)}`,
      advice: 'Auth is failing: users cannot sign in. Check the Supabase status page and auth logs (`/logs summarize auth`).',
      data: { status: res.status, ms: Math.round(ms) },
    };
  } catch (err) {
    if (signal.aborted) throw err;
    return {
      ...base,
      status: 'critical',
      value: `unreachable (${describeFetchError(err)})`,
      advice: 'Auth does not answer: check the Supabase status page and SUPABASE_URL.',
    };
  }
}

async function failedLogins(o: AuthCheckOptions): Promise<HealthItem> {
  const threshold = `≤ ${o.failedLoginsPerMinuteWarn} per minute`;
  const base = { key: 'failed_logins', label: `Failed sign-ins (last ${WINDOW_MINUTES} min)`, threshold };
  try {
    const r = await o.db.readOnly('health', (tx) => tx.section('queries/health/failed-logins', [WINDOW_MINUTES]));
    if (!r.ok) {
      return {
        ...base,
        status: 'unknown',
        value: r.reason === 'permission' || r.reason === 'missing' ? 'auth.audit_log_entries is not readable' : r.message,
        advice: 'Grant the bot role SELECT on auth.audit_log_entries (sql/roles.sql), or read auth logs with `/logs summarize auth`.',
      };
    }
    const total = toNumber(r.rows[0]?.total) ?? 0;
    const peak = toNumber(r.rows[0]?.peak_per_minute) ?? 0;
    const warn = peak > o.failedLoginsPerMinuteWarn;
    return {
      ...base,
      status: warn ? 'warn' : 'ok',
      value: `${total} (peak ${peak} in one minute)`,
      ...(warn
        ? { advice: 'Many failed sign-ins: possible credential stuffing. Review auth logs, block abusive IPs, and consider `/lockdown` if accounts were taken over.' }
        : {}),
      data: { total, peakPerMinute: peak, windowMinutes: WINDOW_MINUTES },
    };
  } catch (err) {
    return {
      ...base,
      status: 'unknown',
      value: `database not reachable (${describeFetchError(err)})`,
      advice: 'See the database section.',
    };
  }
}
