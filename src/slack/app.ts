// Builds the Bolt app: Socket Mode when an app token is set, our strict HTTP receiver
// otherwise; Bolt logging through pino; one global error handler that answers the user
// ephemerally on the surface they used; a child logger per interaction.
import { App, LogLevel } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { Clock } from '../core/clock.js';
import { InputError, isOpsError, type OpsError, UpstreamError } from '../core/errors.js';
import { describeSlackFailure } from './chat-poster.js';
import { defuseBroadcasts } from './blocks.js';
import { findControlChars } from './input.js';
import { boltLogger, type Logger } from '../core/log.js';
import type { Redactor } from '../core/redact.js';
import { waitAtMost } from '../core/wait.js';
import type { CommandSpec, HandlerDeps, InteractionSpec } from './command.js';
import { attachInteraction, type AuditHint, interaction, referenceId } from './context.js';
import { registerCommand } from './pipeline.js';
import { StrictHttpReceiver } from './receiver.js';

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string;
  logger: Logger;
  redactor: Redactor;
  clock: Clock;
  deps: HandlerDeps;
  commands: readonly CommandSpec[];
  interactions?: readonly InteractionSpec[];
  /** Outbound HTTP for the Web API and response_url; tests inject a fake. */
  fetch?: typeof fetch;
  /** Skip auth.test at start (tests). */
  botIdentity?: { botId: string; botUserId: string };
  unhandledRequestTimeoutMillis?: number;
  /** Shows an answer at the top of `userId`'s Home tab: where a refused click on the Home tab (no response_url) is answered. */
  homeAnswer?: (userId: string, text: string) => Promise<void>;
}

export interface SlackApp {
  app: App;
  receiver: StrictHttpReceiver | undefined;
  /** Starts receiving: the HTTP port (on `host` only, when given) or the Socket Mode connection. */
  start(port: number, host?: string): Promise<void>;
  stop(): Promise<void>;
}

interface BodyLike {
  response_url?: string;
  user_id?: string;
  user?: { id?: string };
  command?: string;
  text?: string;
  channel_id?: string;
  channel?: { id?: string };
  container?: { channel_id?: string };
  callback_id?: string;
  type?: string;
  actions?: { action_id?: string; value?: string }[];
  view?: { type?: string; callback_id?: string; private_metadata?: string };
}

/** How long a refusal's audit write may hold up the answer to the user. */
const REFUSAL_AUDIT_WAIT_MS = 2000;

/** The audit name of a payload before any handler refines it. */
function defaultAuditHint(b: BodyLike): AuditHint {
  const actor = b.user_id ?? b.user?.id ?? 'unknown';
  const channel = b.channel_id ?? b.channel?.id ?? b.container?.channel_id;
  const base = { actor, ...(channel ? { channel } : {}) };
  if (b.command) {
    // The subcommand is part of the name when it is a plain word (`/backup restore`).
    const sub = /^\s*([a-z][a-z-]{0,20})(?:\s|$)/i.exec(b.text ?? '')?.[1]?.toLowerCase();
    return { ...base, action: 'command', target: sub ? `${b.command} ${sub}` : b.command };
  }
  const action = b.actions?.[0];
  if (action?.action_id) return { ...base, action: action.action_id, target: (action.value ?? '').slice(0, 100) || action.action_id };
  if (b.view?.callback_id) return { ...base, action: b.view.callback_id, target: b.view.callback_id };
  return { ...base, action: b.type ?? 'event', target: b.callback_id ?? b.type ?? 'event' };
}

/** Database connection failures that no adapter typed: said plainly rather than as a reference. */
function connectionFailure(err: unknown): OpsError | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  const msg = err instanceof Error ? err.message : '';
  const lost =
    (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE)$/.test(code) || /^(08|57P0)/.test(code))) ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(msg);
  if (!lost) return undefined;
  return new UpstreamError(
    'A database connection failed or was cut while I was working on this, so it did not finish. `/health` shows which database is down; run the command again once it is back (a playbook run reports what it committed in its own message).',
    { cause: err },
  );
}

export function createSlackApp(o: SlackAppOptions): SlackApp {
  const slackLogger = boltLogger(o.logger);
  const socketMode = Boolean(o.appToken);
  const receiver = socketMode
    ? undefined
    : new StrictHttpReceiver({
        signingSecret: o.signingSecret ?? '',
        clock: o.clock,
        logger: slackLogger,
        ...(o.unhandledRequestTimeoutMillis ? { unhandledRequestTimeoutMillis: o.unhandledRequestTimeoutMillis } : {}),
      });
  const doFetch = o.fetch ?? globalThis.fetch;

  const app = new App({
    token: o.botToken,
    ...(socketMode ? { socketMode: true, appToken: o.appToken } : { receiver }),
    logger: slackLogger,
    logLevel: LogLevel.WARN,
    extendedErrorHandler: true,
    ...(o.botIdentity ?? {}),
    clientOptions: {
      slackApiUrl: o.apiUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      // Interactive paths fail fast: a user waiting in an incident must hear "Slack is slow",
      // not wait out a 30-minute retry schedule.
      retryConfig: { retries: 1, factor: 1, minTimeout: 500, maxTimeout: 1000 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    },
  });

  app.use(async (args) => {
    const { context, body, next } = args;
    const b = body as BodyLike;
    attachInteraction(context, o.logger, {
      userId: b.user_id ?? b.user?.id,
      kind: b.command ? 'command' : (b.type ?? 'event'),
      name: b.command ?? b.actions?.[0]?.action_id,
      audit: defaultAuditHint(b),
    });
    // Backstop for buttons, menus and forms: a NUL (or another control character) in a value
    // never reaches a query. Commands are left to their parsers, which name the field (e.g.
    // "the lockdown reason") in their answer.
    const where = b.command ? undefined : findControlChars(body);
    if (where) {
      const message = `${where[0]!.toUpperCase()}${where.slice(1)} contains an invisible control character (such as a NUL byte), so I did not act on it. Type it again without pasting, and send it again.`;
      const ack = (args as { ack?: (r?: unknown) => Promise<void> }).ack;
      if (b.type === 'view_submission' && ack) {
        await ack({ response_action: 'errors', errors: Object.fromEntries(Object.keys((body as { view?: { state?: { values?: object } } }).view?.state?.values ?? {}).map((k) => [k, message.slice(0, 150)])) });
        return;
      }
      if (ack) await ack();
      throw new InputError(message);
    }
    await next();
  });

  app.error(async ({ error, context, body }: ExtendedErrorHandlerArgs) => {
    const original = (error as { original?: unknown }).original ?? error;
    const ic = interaction(context, o.logger);
    // Typed errors keep their message; Slack Web API and connection failures that reached here
    // untyped (a views.open, a files.list, a pg error no adapter wrapped) still say what failed.
    const typed = isOpsError(original)
      ? original
      : (describeSlackFailure(original, { doing: 'answering your request', outcome: 'it did not finish' }) ?? connectionFailure(original));
    let text: string;
    if (typed) {
      ic.log.info({ code: typed.code, ...(typed === original ? {} : { err: original }) }, 'request refused');
      text = typed.userMessage;
    } else {
      const ref = referenceId();
      ic.log.error({ err: original, ref }, 'unexpected error in handler');
      text = `Something went wrong on my side (reference ${ref}). The details are in the bot's logs under that reference; try again, or use the \`opsbot\` CLI if Slack keeps failing.`;
    }
    // Every refusal (role, channel, own request, break-glass) is audited here, once, for all
    // listeners. The answer waits for the row briefly, so the log is written before the user
    // reads the refusal, but a slow state store cannot hold the answer back for long.
    if (typed?.code === 'forbidden') await auditRefusal(ic.audit ?? defaultAuditHint((body ?? {}) as BodyLike), typed.userMessage, ic.log);
    const url = (body as BodyLike | undefined)?.response_url;
    if (!url) {
      // A click on the Home tab has no response_url: the answer goes at the top of the tab.
      const b = body as BodyLike | undefined;
      const user = b?.user?.id;
      if (b?.view?.type === 'home' && user && o.homeAnswer) {
        await o.homeAnswer(user, `:x: ${o.redactor.redact(defuseBroadcasts(text))}`).catch((err: unknown) => ic.log.warn({ err }, 'could not deliver error message to user'));
      }
      return;
    }
    try {
      await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: o.redactor.redact(defuseBroadcasts(text)) }),
      });
    } catch (err) {
      ic.log.warn({ err }, 'could not deliver error message to user');
    }
  });

  const auditRefusal = async (hint: AuditHint, message: string, log: Logger): Promise<void> => {
    const write = o.deps.state
      .audit({
        actor: hint.actor,
        action: hint.action,
        target: hint.target,
        ...(hint.channel ? { channel: hint.channel } : {}),
        outcome: 'refused',
        detail: { ...hint.detail, why: o.redactor.redact(message).slice(0, 500) },
      })
      .catch((err: unknown) => log.warn({ err }, 'audit write failed'));
    await waitAtMost(write, REFUSAL_AUDIT_WAIT_MS);
  };

  for (const spec of o.commands) {
    if (spec.terminalOnly) continue;
    registerCommand(app, spec, o.deps);
    spec.register?.(app, o.deps);
  }
  for (const spec of o.interactions ?? []) spec.register(app, o.deps);

  return {
    app,
    receiver,
    async start(port, host) {
      // app.start only hands its arguments to the receiver; ours takes a host as well.
      if (receiver) await receiver.start(port, host);
      else await app.start(port);
    },
    async stop() {
      await app.stop();
    },
  };
}
