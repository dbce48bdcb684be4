// HTTP receiver: Bolt's HTTPReceiver does the signature check and rejects stale timestamps,
// but accepts timestamps from the future. Slack's rule is |now − ts| ≤ 5 min, so we check the
// future side here before handing the request to Bolt. Also serves GET /healthz for load
// balancers, without touching any dependency.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, HTTPReceiver, type Receiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import type { Clock } from '../core/clock.js';

export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface StrictReceiverOptions {
  signingSecret: string;
  clock: Clock;
  logger: SlackLogger;
  /** For tests: how long Bolt waits for ack() before answering 404. */
  unhandledRequestTimeoutMillis?: number;
}

export class StrictHttpReceiver implements Receiver {
  private readonly inner: HTTPReceiver;
  private readonly clock: Clock;
  private server: Server | undefined;

  constructor(opts: StrictReceiverOptions) {
    this.clock = opts.clock;
    this.inner = new HTTPReceiver({
      signingSecret: opts.signingSecret,
      logger: opts.logger,
      endpoints: '/slack/events',
      ...(opts.unhandledRequestTimeoutMillis ? { unhandledRequestTimeoutMillis: opts.unhandledRequestTimeoutMillis } : {}),
    });
  }

  init(app: App): void {
    this.inner.init(app);
  }

  /** Handles one HTTP request (exposed for tests and custom servers). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const raw = req.headers['x-slack-request-timestamp'];
    const ts = Number(Array.isArray(raw) ? raw[0] : raw);
    if (req.method === 'POST' && Number.isFinite(ts) && ts - this.clock.now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
      req.resume();
      res.writeHead(401).end();
      return;
    }
    this.inner.requestListener(req, res);
  }

  /** Listens on `port` (0: a free one), on every interface unless `host` names one. */
  start(port: number, host?: string): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => this.handle(req, res));
      server.once('error', reject);
      server.listen(port, host, () => {
        this.server = server;
        resolve(server);
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Port the server listens on, once started. */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }
}
