// Drills that break the simulated Supabase project rather than the database's sessions: the AI
// gateway behind ai-chat rate limiting and then out of credits, a failed-login storm on one
// account, the signs of a data breach, and a maintenance window two minutes away.
import { sql } from '../../core/sql.js';
import { localParts } from '../../time/zoned-time.js';
import { addEvents, removeEvents, type LogEvent } from '../supabase/world.js';
import { withAdmin } from './sessions.js';
import type { Drill } from './types.js';

const MINUTE = 60_000;
/** How long the gateway rate limits before the credits run out. */
export const RATE_LIMIT_MS = 3 * MINUTE;
export const STORM_FAILURES = 900;
export const STORM_MINUTES = 15;
/** The breach drill's password spraying: failed sign-ins across accounts, 20 a minute (the alert's threshold is 10). */
export const SPRAY_FAILURES = 240;
export const SPRAY_MINUTES = 12;

export const aiGateway: Drill = {
  name: 'ai-gateway',
  title: 'AI gateway: 429, then 402',
  summary: `The AI gateway behind ai-chat rate limits every call (429) for ${RATE_LIMIT_MS / MINUTE} minutes, then refuses them for lack of credits (402).`,
  script: [
    'Run `/health edge`: the probe is rate limited (429, warning).',
    'Run `/logs summarize edge` to see the gateway errors and when they began.',
    `After ${RATE_LIMIT_MS / MINUTE} minutes \`/health\` turns critical: 402, AI credits exhausted; the chat fails for every user.`,
    'Tell #status, then top up the credits (reset the drill).',
  ],
  finishedWhen: 'the drill is reset (the credits are topped up)',
  start(ctx) {
    const started = ctx.clock.now();
    ctx.world.gateway = 'rate_limited';
    const tag = 'ai-gateway';
    let logged = started - 10 * MINUTE;
    const logUntil = (now: number) => {
      const events: LogEvent[] = [];
      for (let t = logged; t < now; t += 4000) {
        const credits = t >= started + RATE_LIMIT_MS;
        const status = t < started ? 200 : credits ? 402 : 429;
        if (status === 200) continue;
        events.push({
          table: 'function_logs',
          at: t,
          level: 'error',
          message: credits ? 'AI gateway error: 402 Payment Required: credits exhausted for workspace' : 'AI gateway error: 429 Too Many Requests: rate limit exceeded, retry after 20s',
          metadata: { function_id: 'fn_ai_chat', event_type: 'Log', level: 'error', drill: tag },
        });
      }
      logged = Math.max(logged, now);
      addEvents(ctx.world, events);
    };
    logUntil(started);
    return Promise.resolve({
      done: () => Promise.resolve(false),
      tick: (now) => {
        if (now >= started + RATE_LIMIT_MS && ctx.world.gateway === 'rate_limited') ctx.world.gateway = 'no_credits';
        logUntil(now);
        return Promise.resolve();
      },
      reset: () => {
        ctx.world.gateway = 'ok';
        removeEvents(ctx.world, tag);
        return Promise.resolve();
      },
    });
  },
};

function authEvents(now: number, count: number, minutes: number, tag: string, inner: (i: number) => Record<string, unknown>): LogEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const at = now - Math.floor(((i + 1) * minutes * MINUTE) / count);
    const extra = inner(i);
    const body: Record<string, unknown> = { component: 'api', level: 'info', msg: 'request completed', time: new Date(at).toISOString(), ...extra };
    return { table: 'auth_logs' as const, at, level: 'info' as const, message: JSON.stringify(body), metadata: { level: 'info', drill: tag, status: extra.status, path: extra.path } };
  });
}

export const loginStorm: Drill = {
  name: 'login-storm',
  title: 'Failed-login storm',
  summary: `${STORM_FAILURES} failed sign-ins of one account in ${STORM_MINUTES} minutes from a handful of addresses: credential stuffing.`,
  script: [
    'Run `/health auth`: failed sign-ins are far over 10 a minute.',
    'Run `/logs summarize auth` to see which account and which addresses.',
    'Request `/playbook run disable-user user=<id>` for the account under attack and have it approved.',
    'Consider `/lockdown` if the attacker got in (see the data-breach drill).',
  ],
  finishedWhen: 'the attacked account is disabled',
  async start(ctx) {
    const tag = 'login-storm';
    const target = await withAdmin(ctx.targetUrl, async (c) => (await c.query<{ id: string; email: string }>(sql('local/drills/storm-target'))).rows[0]);
    if (!target) throw new Error('The target database has no users; run `opsbot local reset`.');
    await withAdmin(ctx.targetUrl, (c) => c.query(sql('local/drills/login-storm'), [STORM_FAILURES, STORM_MINUTES, target.id, target.email, tag]));
    const now = ctx.clock.now();
    addEvents(
      ctx.world,
      authEvents(now, STORM_FAILURES, STORM_MINUTES, tag, (i) => ({
        error: 'invalid_credentials',
        method: 'POST',
        path: '/token',
        status: 400,
        remote_addr: `185.220.101.${1 + (i % 7)}`,
        login_method: 'password',
        actor_username: target.email,
      })),
    );
    return {
      done: () => withAdmin(ctx.targetUrl, async (c) => (await c.query<{ banned: boolean }>(sql('local/drills/user-banned'), [target.id])).rows[0]?.banned === true),
      reset: async () => {
        removeEvents(ctx.world, tag);
        await withAdmin(ctx.targetUrl, async (c) => {
          await c.query(sql('local/drills/remove-audit'), [tag]);
          await c.query(sql('local/drills/unban-user'), [target.id]);
        });
      },
    };
  },
};

export const dataBreach: Drill = {
  name: 'data-breach',
  title: 'Data-breach signal',
  summary: `The service_role key shows up in an edge function log; one unfamiliar address sprayed passwords (${SPRAY_FAILURES} failed sign-ins in ${SPRAY_MINUTES} minutes) and then 300 accounts signed in from it.`,
  script: [
    'Watch #alerts: the scheduled alert check posts "More than 10 failed sign-ins per minute" once it has failed ALERTS_CONSECUTIVE_BREACHES checks in a row (3 minutes by default).',
    'Run `/logs summarize edge` and `/logs summarize auth`: the leaked key (redacted) and the sign-ins from 45.155.205.233.',
    'Start the lockdown: `/lockdown start <reason>`, approved by a second person (evidence, every session revoked, integrations off).',
    'Work the containment checklist the bot posts (rotate the keys, require MFA).',
    'Note the 24 h / 72 h notification deadlines the bot will remind you of.',
  ],
  finishedWhen: 'the lockdown has revoked every session and switched every integration off',
  async start(ctx) {
    const tag = 'data-breach';
    const now = ctx.clock.now();
    await withAdmin(ctx.targetUrl, async (c) => {
      await c.query(sql('local/drills/breach-spray'), [SPRAY_FAILURES, SPRAY_MINUTES, tag]);
      await c.query(sql('local/drills/breach-signins'), [300, tag]);
    });
    const leaked: LogEvent[] = [
      {
        table: 'function_logs',
        at: now - 6 * MINUTE,
        level: 'error',
        // A key of the service_role shape, made up: the bot must redact it before any summary.
        message: 'Unhandled error: createClient failed for url=https://local.supabase.co key=sb_secret_LEAKEDdrillKEY0123456789abcdefXYZ',
        metadata: { function_id: 'fn_ai_chat', event_type: 'UncaughtException', level: 'error', drill: tag },
      },
      {
        table: 'function_logs',
        at: now - 5 * MINUTE,
        level: 'warning',
        message: 'Export of 30000 leads requested by service_role from 45.155.205.233',
        metadata: { function_id: 'fn_ai_chat', event_type: 'Log', level: 'warning', drill: tag },
      },
    ];
    addEvents(ctx.world, [
      ...leaked,
      ...authEvents(now, SPRAY_FAILURES, SPRAY_MINUTES, tag, () => ({ error: 'invalid_credentials', method: 'POST', path: '/token', status: 400, remote_addr: '45.155.205.233', login_method: 'password' })),
      ...authEvents(now, 300, 10, tag, () => ({ method: 'POST', path: '/token', status: 200, remote_addr: '45.155.205.233', login_method: 'password', msg: 'Login' })),
    ]);
    return {
      done: () =>
        withAdmin(ctx.targetUrl, async (c) => {
          const r = (await c.query<{ sessions: number; integrations: number }>(sql('local/drills/lockdown-done'))).rows[0];
          return r !== undefined && r.sessions === 0 && r.integrations === 0;
        }),
      reset: async () => {
        removeEvents(ctx.world, tag);
        await withAdmin(ctx.targetUrl, (c) => c.query(sql('local/drills/remove-audit'), [tag]));
      },
    };
  },
};

export const maintenanceSoon: Drill = {
  name: 'maintenance-soon',
  title: 'Maintenance window in two minutes',
  summary: 'A one-off maintenance window is added to start two minutes from now, for 30 minutes.',
  script: [
    'Read the notice in #ops (`/maintenance next` shows the window).',
    'Go through the pre-maintenance checklist the bot posts at the start.',
    'Watch the alerts being held during the window and the smoke test at its end.',
  ],
  finishedWhen: 'the window starts',
  async start(ctx) {
    const m = ctx.maintenance;
    if (!m) throw new Error('The maintenance drill needs the running bot (its maintenance calendar).');
    const startsAt = Math.ceil((ctx.clock.now() + 2 * MINUTE) / MINUTE) * MINUTE;
    await m.add({ startsAt, durationMs: 30 * MINUTE, reason: 'Drill: emergency index maintenance' }, 'local-drill');
    const { year, month, day } = localParts(startsAt, m.timezone);
    return {
      done: () => Promise.resolve(ctx.clock.now() >= startsAt),
      reset: async () => {
        if (ctx.clock.now() < startsAt) await m.skip({ year, month, day }, 'drill reset', 'local-drill');
      },
    };
  },
};
