// The local Slack stand-in: one HTTP server on 127.0.0.1 that is the Web API the bot calls
// (/api/<method>, its response_urls, file uploads and downloads) and serves the page that plays
// Slack (/, /page/*, the page's own /ui/* endpoints and a Server-Sent Events stream).
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../core/clock.js';
import { createEventSender } from './events.js';
import { imageSize, mimeTypeOf } from './file-types.js';
import { readManifest } from './manifest.js';
import { DEFAULT_CHANNELS, DEFAULT_PERSONAS } from './personas.js';
import { useResponseUrl } from './response-url.js';
import type { ChannelSeed, Persona } from './types.js';
import { closeView, openHome, postMessage, react, sendAction, sendCommand, sendShortcut, stateFor, submitView, UiInputError, type Rejection, type UiDeps, type UiResult } from './ui.js';
import type { Verdict } from './validate.js';
import { callMethod, type Args } from './web-api.js';
import { Workspace } from './workspace.js';

export interface SlackStandInOptions {
  /** The bot's request URL (http://127.0.0.1:<port>/slack/events). */
  botEventsUrl: string;
  /** Signs every request to the bot (the bot's SLACK_SIGNING_SECRET). */
  signingSecret: string;
  /** manifest.yml: the commands, shortcuts and subscribed events the page offers. */
  manifestPath: string;
  personas?: readonly Persona[];
  channels?: readonly ChannelSeed[];
  logger: Logger;
  /** The bot token the Web API accepts (the bot's SLACK_BOT_TOKEN); default LOCAL_BOT_TOKEN. */
  botToken?: string;
  /** The bot's user id (what auth.test answers); default U0LOCALBOT. */
  botUserId?: string;
  clock?: Clock;
  /** For requests to the bot (tests); default the global fetch. */
  fetch?: typeof fetch;
  /**
   * The address the stand-in is reached at (http://127.0.0.1:<port>), for a stand-in mounted in
   * another server through requestListener; listen() sets it otherwise. It is what the bot is
   * given as SLACK_API_URL and what response_urls and file links point at.
   */
  baseUrl?: string;
}

export interface SlackStandIn {
  /** Value for SLACK_API_URL (ends with /api/); valid once listen() resolved. */
  readonly apiUrl: string;
  /** The page's address; valid once listen() resolved. */
  readonly pageUrl: string;
  /** The token the Web API accepts. */
  readonly botToken: string;
  readonly botUserId: string;
  listen(port: number, host?: string): Promise<void>;
  close(): Promise<void>;
  requestListener: http.RequestListener;
  /** Block Kit payloads refused so far (the page shows them too). */
  rejections(): readonly Rejection[];
  /** The workspace state (tests inspect it). */
  readonly workspace: Workspace;
}

export const LOCAL_BOT_TOKEN = 'xoxb-local-0000000000-opsbot-local-workspace';

const PAGE_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'blocks.js': 'text/javascript; charset=utf-8',
  'mrkdwn.js': 'text/javascript; charset=utf-8',
  'drills.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/** The page's folder: next to this module in src/, or the source folder when running from dist/. */
export function pageDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'page'), path.resolve(here, '../../../../src/local/slack/page')];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[0]!;
}

const MAX_BODY = 20 * 1024 * 1024;
const LOCAL_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** Whether a request's Host header names this machine (what the stand-in and the workspace's own endpoints answer). */
export function isLocalHostHeader(host: string | undefined): boolean {
  return LOCAL_HOST.test(host ?? '');
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

/** Web API arguments from a form or JSON body (the SDK sends a form; nested values as JSON). */
function apiArgs(req: http.IncomingMessage, raw: Buffer, query: URLSearchParams): Args {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const args: Args = Object.fromEntries(query);
  if (type === 'application/json') {
    const parsed = JSON.parse(raw.toString('utf8') || '{}') as unknown;
    if (typeof parsed === 'object' && parsed !== null) Object.assign(args, parsed);
  } else if (raw.length) {
    Object.assign(args, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  }
  return args;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bearer(req: http.IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** A base URL of this machine (the stand-in answers 127.0.0.1 and localhost only), without a trailing slash. */
function checkBaseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`The Slack stand-in's baseUrl must be an http URL (got "${raw.slice(0, 60)}")`);
  }
  if (u.protocol !== 'http:' || !LOCAL_HOST.test(u.host) || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new Error(`The Slack stand-in's baseUrl must be http://127.0.0.1:<port> or http://localhost:<port> with no path (got "${raw.slice(0, 60)}")`);
  }
  return `${u.protocol}//${u.host}`;
}

export function createSlackStandIn(opts: SlackStandInOptions): SlackStandIn {
  const clock = opts.clock ?? systemClock;
  const botToken = opts.botToken ?? LOCAL_BOT_TOKEN;
  const botUserId = opts.botUserId ?? 'U0LOCALBOT';
  const manifest = readManifest(opts.manifestPath);
  const ws = new Workspace(clock, botUserId, opts.personas ?? DEFAULT_PERSONAS, opts.channels ?? DEFAULT_CHANNELS);
  const log = opts.logger.child({ component: 'local-slack' });
  const rejections: Rejection[] = [];
  const dir = pageDir();
  let baseUrl = opts.baseUrl === undefined ? '' : checkBaseUrl(opts.baseUrl);
  ws.baseUrl = baseUrl || ws.baseUrl;
  let server: http.Server | undefined;
  const streams = new Set<http.ServerResponse>();

  const reject = (via: string, v: Verdict & { ok: false }) => {
    rejections.push({ at: clock.now(), via, error: v.error, errors: v.errors });
    log.warn({ via, error: v.error, errors: v.errors.slice(0, 5) }, 'payload refused as Slack would refuse it');
    ws.changed();
  };
  const sender = createEventSender({ botEventsUrl: opts.botEventsUrl, signingSecret: opts.signingSecret, clock, teamId: 'T0LOCAL', appId: 'A0LOCALAPP', botUserId, ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const ui: UiDeps = { ws, sender, manifest, baseUrl: () => baseUrl, reject };
  const actions: Record<string, (d: UiDeps, a: Record<string, unknown>) => Promise<UiResult>> = {
    command: sendCommand,
    action: sendAction,
    submit: submitView,
    close: closeView,
    shortcut: sendShortcut,
    react,
    message: postMessage,
    home: openHome,
  };

  async function api(method: string, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const raw = await readBody(req);
    let args: Args;
    try {
      args = apiArgs(req, raw, url.searchParams);
    } catch {
      return send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const token = bearer(req) ?? (typeof args.token === 'string' ? args.token : undefined);
    if (token === undefined || token === '') return send(res, 200, { ok: false, error: 'not_authed' });
    if (!sameSecret(token, botToken)) return send(res, 200, { ok: false, error: 'invalid_auth' });
    delete args.token;
    const result = callMethod(method, args, { ws, baseUrl });
    if (!result.ok && Array.isArray(result.errors)) reject(method, { ok: false, error: String(result.error), errors: result.errors as string[] });
    if (!result.ok) log.info({ method, error: result.error }, 'web api call answered with an error');
    send(res, 200, result);
  }

  async function upload(fileId: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const f = ws.uploads.get(fileId);
    if (!f || f.complete) return send(res, 404, 'file not found: ask files.getUploadURLExternal for a new upload address', 'text/plain');
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      return send(res, 413, `the local workspace keeps files of up to ${MAX_BODY / 1024 / 1024} MB`, 'text/plain');
    }
    const type = req.headers['content-type'] ?? '';
    let bytes: Buffer;
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData().catch(() => undefined);
      if (!form) return send(res, 400, 'unreadable multipart body', 'text/plain');
      const entry = [...form.values()][0];
      bytes = typeof entry === 'string' ? Buffer.from(entry) : entry ? Buffer.from(await entry.arrayBuffer()) : Buffer.alloc(0);
    } else {
      bytes = raw;
    }
    // Slack stores what files.getUploadURLExternal was told: a different length is a broken upload.
    if (f.declaredLength !== undefined && bytes.length !== f.declaredLength) {
      return send(res, 400, `length mismatch: files.getUploadURLExternal was given length ${f.declaredLength}, the upload has ${bytes.length} bytes`, 'text/plain');
    }
    f.bytes = bytes;
    f.mimetype = mimeTypeOf(f.name, bytes);
    const size = imageSize(f.mimetype, bytes);
    if (size) {
      f.width = size.width;
      f.height = size.height;
    }
    f.uploaded = true;
    send(res, 200, `OK - ${f.bytes.length}`, 'text/plain');
  }

  function download(fileId: string, req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const f = ws.uploads.get(fileId);
    // The bot downloads with its token (url_private); the page's own link carries none but
    // is served to the local person only (the server listens on 127.0.0.1).
    const token = bearer(req);
    if (token !== undefined && !sameSecret(token, botToken)) return send(res, 403, 'invalid token', 'text/plain');
    if (!f?.complete) return send(res, 404, 'file not found', 'text/plain');
    res.writeHead(200, {
      'content-type': f.mimetype.startsWith('text/') ? `${f.mimetype}; charset=utf-8` : f.mimetype,
      'content-length': f.bytes.length,
      'content-disposition': `${url.searchParams.has('download') ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(f.name)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    res.end(f.bytes);
  }

  function stream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 1000\ndata: ${ws.version}\n\n`);
    streams.add(res);
    const stop = ws.follow((v) => res.write(`data: ${v}\n\n`));
    req.on('close', () => {
      stop();
      streams.delete(res);
    });
  }

  async function page(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/ui/events') return stream(req, res);
    if (url.pathname === '/ui/state' && req.method === 'GET') return send(res, 200, stateFor(ui, url.searchParams.get('user') ?? '', rejections));
    const name = url.pathname.slice('/ui/'.length);
    const fn = req.method === 'POST' && Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (!fn) return send(res, 404, { ok: false, error: 'not_found' });
    // The page is the only client; a cross-site form cannot send this header.
    if (req.headers['x-local-slack'] !== '1') return send(res, 403, { ok: false, error: 'missing x-local-slack header' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return send(res, 400, { ok: false, error: 'invalid_json' });
    }
    try {
      send(res, 200, await fn(ui, body));
    } catch (err) {
      if (err instanceof UiInputError) return send(res, 400, { ok: false, error: err.message });
      throw err;
    }
  }

  function asset(res: http.ServerResponse, name: string): void {
    const type = PAGE_FILES[name];
    if (!type) return send(res, 404, 'not found', 'text/plain');
    const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    // Nothing from outside: no CDN, no inline script, images only from here or data:.
    if (name === 'index.html') headers['content-security-policy'] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";
    res.writeHead(200, headers);
    res.end(readFileSync(path.join(dir, name)));
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Only this machine by name: a web page that rebinds its own host name to 127.0.0.1 (DNS
    // rebinding) cannot drive the page's endpoints or read the workspace.
    if (!LOCAL_HOST.test(req.headers.host ?? '')) return send(res, 403, 'this server answers 127.0.0.1 and localhost only', 'text/plain');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = url.pathname;
    // Mounted without a baseUrl and never listened: response_urls and file links would point nowhere.
    if (baseUrl === '') return send(res, 500, 'the Slack stand-in has no address: pass baseUrl, or call listen()', 'text/plain');
    if (p.startsWith('/api/') && req.method === 'POST') return api(p.slice(5), req, res, url);
    if (p.startsWith('/api/') && req.method === 'GET') return api(p.slice(5), req, res, url);
    if (p.startsWith('/response/') && req.method === 'POST') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req)).toString('utf8'));
      } catch {
        return send(res, 400, 'invalid_payload', 'text/plain');
      }
      const out = useResponseUrl(ws, p.slice('/response/'.length), body);
      if (out.rejected) reject('response_url', out.rejected);
      return send(res, out.status, out.body, 'text/plain');
    }
    if (p.startsWith('/upload/') && req.method === 'POST') return upload(p.slice('/upload/'.length), req, res);
    if (p.startsWith('/files/') && req.method === 'GET') return download(p.split('/')[2] ?? '', req, res, url);
    if (p.startsWith('/ui/')) return page(req, res, url);
    if (req.method === 'GET' && (p === '/' || p === '/index.html')) return asset(res, 'index.html');
    if (req.method === 'GET' && p.startsWith('/page/')) return asset(res, p.slice('/page/'.length));
    send(res, 404, 'not found', 'text/plain');
  }

  const requestListener: http.RequestListener = (req, res) => {
    route(req, res).catch((err: unknown) => {
      log.error({ err }, 'local slack request failed');
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal_error' });
      else res.end();
    });
  };

  return {
    get apiUrl() {
      return `${baseUrl}/api/`;
    },
    get pageUrl() {
      return `${baseUrl}/`;
    },
    botToken,
    botUserId,
    workspace: ws,
    requestListener,
    rejections: () => rejections,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const s = http.createServer(requestListener);
        s.once('error', reject);
        s.listen(port, host, () => {
          const addr = s.address();
          const actual = typeof addr === 'object' && addr ? addr.port : port;
          if (opts.baseUrl === undefined) {
            baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
            ws.baseUrl = baseUrl;
          }
          server = s;
          resolve();
        });
      });
    },
    close() {
      for (const r of streams) r.end();
      streams.clear();
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
