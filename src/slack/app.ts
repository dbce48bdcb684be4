// Builds the Bolt app: Socket Mode when an app token is set, our strict HTTP receiver
// otherwise; Bolt logging through pino; one global error handler that answers the user
// ephemerally on the surface they used; a child logger per interaction.
import { App, LogLevel } from '@slack/bolt';
import type { ExtendedErrorHandlerArgs } from '@slack/bolt/dist/App.js';
import type { Clock } from '../clock.js';
import { isOpsError } from '../errors.js';
import { boltLogger, type Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import type { CommandSpec, HandlerDeps, InteractionSpec } from './command.js';
import { attachInteraction, interaction, referenceId } from './context.js';
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
}

export interface SlackApp {
  app: App;
  receiver: StrictHttpReceiver | undefined;
  start(port: number): Promise<void>;
  stop(): Promise<void>;
}

interface BodyLike {
  response_url?: string;
  user_id?: string;
  user?: { id?: string };
  command?: string;
  type?: string;
  actions?: { action_id?: string }[];
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

  app.use(async ({ context, body, next }) => {
    const b = body as BodyLike;
    attachInteraction(context, o.logger, {
      userId: b.user_id ?? b.user?.id,
      kind: b.command ? 'command' : (b.type ?? 'event'),
      name: b.command ?? b.actions?.[0]?.action_id,
    });
    await next();
  });

  app.error(async ({ error, context, body }: ExtendedErrorHandlerArgs) => {
    const original = (error as { original?: unknown }).original ?? error;
    const ic = interaction(context, o.logger);
    let text: string;
    if (isOpsError(original)) {
      ic.log.info({ code: original.code }, 'request refused');
      text = original.userMessage;
    } else {
      const ref = referenceId();
      ic.log.error({ err: original, ref }, 'unexpected error in handler');
      text = `Something went wrong on my side (reference ${ref}). The details are in the bot's logs under that reference; try again, or use the \`opsbot\` CLI if Slack keeps failing.`;
    }
    const url = (body as BodyLike | undefined)?.response_url;
    if (!url) return;
    try {
      await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: o.redactor.redact(text) }),
      });
    } catch (err) {
      ic.log.warn({ err }, 'could not deliver error message to user');
    }
  });

  for (const spec of o.commands) spec.register(app, o.deps, o.commands);
  for (const spec of o.interactions ?? []) spec.register(app, o.deps);

  return {
    app,
    receiver,
    async start(port) {
      await app.start(port);
    },
    async stop() {
      await app.stop();
    },
  };
}
