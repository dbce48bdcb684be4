// The local workspace's own endpoints, next to the page on the same origin: the drills (the
// page's Drill menu and `opsbot local drill`) and reset. Every POST needs the header the
// page's own requests carry (x-local-slack: 1), so a form on another site cannot start a drill.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage, InputError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { DrillRunner } from '../drills/runner.js';

export const CONTROL_PREFIX = '/local/';

export interface ControlDeps {
  drills: DrillRunner;
  /** Reseeds the target database; rejects when the workspace does not own it. */
  reset(): Promise<{ ms: number }>;
  /** What GET /local/status answers: addresses and start-up timings, no secrets. */
  status(): Record<string, unknown>;
  logger: Logger;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Handles /local/*; returns false for any other path. */
export function controlHandler(d: ControlDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const run = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const method = req.method ?? 'GET';
    req.resume();
    if (method === 'GET' && path === 'status') return send(res, 200, d.status());
    if (method === 'GET' && path === 'drills') return send(res, 200, { ok: true, drills: d.drills.list() });
    const one = /^drills\/([a-z0-9-]+)$/.exec(path);
    if (method === 'GET' && one) return send(res, 200, { ok: true, drill: d.drills.status(one[1]!) });
    if (method !== 'POST') return send(res, 404, { ok: false, error: 'not_found' });
    if (req.headers['x-local-slack'] !== '1') return send(res, 403, { ok: false, error: 'missing x-local-slack header' });
    if (path === 'drills/reset') return send(res, 200, { ok: true, drills: await d.drills.reset() });
    const action = /^drills\/([a-z0-9-]+)\/(start|reset)$/.exec(path);
    if (action) {
      const [, name, verb] = action;
      if (verb === 'start') return send(res, 200, { ok: true, drill: await d.drills.start(name!) });
      return send(res, 200, { ok: true, drills: await d.drills.reset(name) });
    }
    if (path === 'reset') {
      await d.drills.reset();
      return send(res, 200, { ok: true, ...(await d.reset()) });
    }
    return send(res, 404, { ok: false, error: 'not_found' });
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith(CONTROL_PREFIX)) return false;
    run(req, res, url.pathname.slice(CONTROL_PREFIX.length)).catch((err: unknown) => {
      if (err instanceof InputError) return send(res, 400, { ok: false, error: err.userMessage });
      d.logger.warn({ err }, 'local workspace control request failed');
      send(res, 500, { ok: false, error: errorMessage(err) });
    });
    return true;
  };
}
