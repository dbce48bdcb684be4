// Sends the bot what Slack would: signed requests to its events URL (x-slack-signature v0 HMAC
// of "v0:<timestamp>:<raw body>" with the signing secret, x-slack-request-timestamp). Slash
// commands are form-encoded fields; interactions (block_actions, view_submission, view_closed,
// shortcuts) are a form with one `payload` field holding JSON; events are a JSON event_callback.
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';

/** The bot's answer: its HTTP status and body (the ack). */
export interface BotAnswer {
  status: number;
  body: string;
}

export interface EventSender {
  /** POSTs a slash command's form fields. */
  command(fields: Record<string, string>): Promise<BotAnswer>;
  /** POSTs an interaction payload as `payload=<json>`. */
  interaction(payload: Record<string, unknown>): Promise<BotAnswer>;
  /** POSTs an Events API event wrapped in an event_callback. */
  event(event: Record<string, unknown>): Promise<BotAnswer>;
}

export interface EventSenderOptions {
  botEventsUrl: string;
  signingSecret: string;
  clock: Clock;
  fetch?: typeof fetch;
  /** Ids the event_callback envelope carries. */
  teamId: string;
  appId: string;
  botUserId: string;
}

/** The v0 signature Slack puts in x-slack-signature. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function createEventSender(opts: EventSenderOptions): EventSender {
  const doFetch = opts.fetch ?? fetch;
  async function post(body: string, contentType: string): Promise<BotAnswer> {
    const ts = Math.floor(opts.clock.now() / 1000);
    try {
      const res = await doFetch(opts.botEventsUrl, {
        method: 'POST',
        // Slack sends the bare content type; Bolt compares it exactly.
        headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(opts.signingSecret, ts, body), 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' },
        body,
        signal: AbortSignal.timeout(3000),
      });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      // Slack shows the person a timeout or a failed delivery; so does the page.
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      return { status: timeout ? 408 : 502, body: '' };
    }
  }
  return {
    command: (fields) => post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded'),
    interaction: (payload) => post(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded'),
    event: (event) => {
      const now = Math.floor(opts.clock.now() / 1000);
      return post(
        JSON.stringify({
          token: 'local-verification-token',
          team_id: opts.teamId,
          api_app_id: opts.appId,
          event: { event_ts: `${now}.000000`, ...event },
          type: 'event_callback',
          event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
          event_time: now,
          authorizations: [{ enterprise_id: null, team_id: opts.teamId, user_id: opts.botUserId, is_bot: true, is_enterprise_install: false }],
          is_ext_shared_channel: false,
        }),
        'application/json',
      );
    },
  };
}
