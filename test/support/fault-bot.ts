// Driving the real bot process (test/support/bot-process.ts) through faults: signed slash
// commands and Approve clicks, waiting for what it sent to the outside, and the checks every
// fault test ends with (the process is alive, /healthz answers, a full /health comes back, the
// run's audit row and request row carry the rows really committed).
import type pg from 'pg';
import { expect } from 'vitest';
import { SECRET_VALUES } from './bot.js';
import { startBotProcess, type BotProcess, type FakeOutside, type OutsideCall } from './bot-process.js';
import { commandBody, sign } from './slack.js';

/** The bot process as the fault tests run it: HTTP mode, Slack and Supabase faked by `outside`. */
export function startFaultBot(outside: FakeOutside, databases: { DATABASE_URL: string; STATE_DATABASE_URL?: string }): Promise<BotProcess> {
  return startBotProcess({
    SLACK_BOT_TOKEN: SECRET_VALUES.SLACK_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET_VALUES.SLACK_SIGNING_SECRET,
    SLACK_API_URL: `${outside.url}/api/`,
    ...databases,
    APP_URL: `${outside.url}/app/`,
    SUPABASE_URL: outside.url,
    SUPABASE_ANON_KEY: SECRET_VALUES.SUPABASE_ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SECRET_VALUES.SUPABASE_SERVICE_ROLE_KEY,
    ONCALL_USERGROUP_ID: 'S0ONCALL',
    APPROVER_USERGROUP_ID: 'S0APPROVERS',
    LOG_LEVEL: 'info',
    SCHEDULER_ENABLED: 'false',
    // The preview must wait on the test's table lock until the test cuts it, not time out first.
    DB_LOCK_TIMEOUT_MS: '20000',
    DB_STATEMENT_TIMEOUT_MS: '20000',
  });
}

export interface RequestMessage {
  id: string;
  channel: string;
  ts: string;
}

export interface FaultDriver {
  /** A signed slash command with its own trigger id (a repeated one would count as a replay). */
  command(name: string, text: string, tag: string, userId?: string): Promise<void>;
  /** A signed Approve click on the request's own message. */
  approve(req: RequestMessage, tag: string): Promise<void>;
  /** The first call after `from` (an index into outside.calls) that matches. */
  after(from: number, pred: (c: OutsideCall) => boolean, what: string, timeoutMs?: number): Promise<OutsideCall>;
  /** Requests purge-old-interactions and returns its request message once it shows Approve. */
  requestPurge(tag: string): Promise<RequestMessage>;
  /** The bot survived: the process runs, /healthz answers and a full /health report comes back. */
  expectBotWorks(): Promise<void>;
  /** The request's one playbook.finished audit row (from the state store), once written. */
  finishedAudit(requestId: string): Promise<{ outcome: string; detail: Record<string, unknown> }>;
}

export const textOf = (c: OutsideCall): string => JSON.stringify(c.body);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let trigger = 0;

export function faultDriver(bot: BotProcess, outside: FakeOutside, statePool: pg.Pool): FaultDriver {
  const responseUrl = (tag: string) => `${outside.url}/response/${tag}`;
  const post = async (body: string): Promise<number> => {
    const res = await fetch(`${bot.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
      body,
    });
    await res.text();
    return res.status;
  };
  const after: FaultDriver['after'] = (from, pred, what, timeoutMs = 20_000) =>
    outside.waitFor((c) => outside.calls.indexOf(c) >= from && pred(c), timeoutMs, what);
  const command: FaultDriver['command'] = async (name, text, tag, userId = 'U0ONCALL') => {
    const status = await post(commandBody(name, text, { user_id: userId, response_url: responseUrl(tag), trigger_id: `${++trigger}.${trigger}.fault` }));
    expect(status).toBe(200);
  };
  let healthRuns = 0;
  return {
    command,
    after,
    async approve(req, tag) {
      const payload = {
        type: 'block_actions',
        user: { id: 'U0APPROVER' },
        team: { id: 'T1' },
        api_app_id: 'A1',
        channel: { id: req.channel },
        container: { type: 'message', message_ts: req.ts, channel_id: req.channel },
        message: { ts: req.ts, type: 'message' },
        response_url: responseUrl(tag),
        trigger_id: `${++trigger}.${trigger}.click`,
        actions: [{ type: 'button', block_id: 'b1', action_ts: '1', action_id: 'playbook_approve', value: req.id }],
      };
      expect(await post(`payload=${encodeURIComponent(JSON.stringify(payload))}`)).toBe(200);
    },
    async requestPurge(tag) {
      const from = outside.calls.length;
      await command('/playbook', 'run purge-old-interactions days=90 batch=100', tag);
      const update = await after(from, (c) => c.path === '/api/chat.update' && textOf(c).includes('playbook_approve'), 'request message with Approve');
      const id = /"value\\?":\\?"([0-9a-f-]{36})/.exec(textOf(update))?.[1];
      expect(id, 'request id in the Approve button').toBeDefined();
      return { id: id!, channel: String(update.body.channel), ts: String(update.body.ts) };
    },
    async expectBotWorks() {
      expect(bot.alive(), `the bot process died:\n${bot.output.slice(-30).join('\n')}`).toBe(true);
      const healthz = await fetch(`${bot.baseUrl}/healthz`);
      expect(healthz.status).toBe(200);
      await healthz.text();
      const tag = `health-${++healthRuns}`;
      const from = outside.calls.length;
      await command('/health', '', tag);
      const report = await after(from, (c) => c.path === `/response/${tag}` && c.body.response_type === 'in_channel', '/health report');
      expect(textOf(report)).toContain('Database');
      expect(textOf(report)).toContain('Connections');
      expect(textOf(report)).not.toMatch(/Something went wrong/);
    },
    async finishedAudit(requestId) {
      for (let i = 0; i < 400; i++) {
        const { rows } = await statePool.query<{ outcome: string; detail: Record<string, unknown> }>(
          `SELECT outcome, detail FROM opsbot.audit_log WHERE action = 'playbook.finished' AND detail->>'requestId' = $1`,
          [requestId],
        );
        if (rows.length > 1) throw new Error(`request ${requestId} finished ${rows.length} times`);
        if (rows[0]) return rows[0];
        await sleep(50);
      }
      throw new Error(`request ${requestId} never wrote its playbook.finished audit row`);
    },
  };
}
