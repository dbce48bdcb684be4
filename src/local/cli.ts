// `opsbot local reset` and `opsbot local drill …`: talk to the running local workspace (found
// through OPSBOT_LOCAL_DIR/runtime.json), since a drill's sessions must outlive this command.
// A reset with no workspace running starts the embedded Postgres itself, reseeds and stops it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import { parseArea } from '../core/env-schema.js';
import { createLogger } from '../core/log.js';
import { createRedactor } from '../core/redact.js';
import { LocalEnv } from '../core/settings.js';
import { startEmbeddedPostgres } from './db/embedded.js';
import { resetLocalDatabases } from './db/seed.js';
import type { DrillStatus } from './drills/types.js';

export interface LocalCliIo {
  env: Record<string, string | undefined>;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  fetch: typeof fetch;
  clock: Clock;
}

export const LOCAL_USAGE = [
  'Usage:',
  '  opsbot local reset                 reseed the local workspace\'s target database (autorepai)',
  '  opsbot local drill list            the drills and how the last run of each went',
  '  opsbot local drill <name>          start a drill in the running workspace',
  '  opsbot local drill status <name>   one drill: its script and timing',
  '  opsbot local drill reset [<name>]  put the world back (every running drill without a name)',
].join('\n');

/** The running workspace's address, or undefined when none answers. */
async function running(io: LocalCliIo, dir: string): Promise<string | undefined> {
  let url: string;
  try {
    url = (JSON.parse(await readFile(path.join(dir, 'runtime.json'), 'utf8')) as { url?: string }).url ?? '';
  } catch {
    return undefined;
  }
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) return undefined;
  try {
    const res = await io.fetch(`${url}/local/status`, { signal: AbortSignal.timeout(3000) });
    return res.ok ? url : undefined;
  } catch {
    return undefined;
  }
}

async function call(io: LocalCliIo, url: string, method: 'GET' | 'POST', p: string): Promise<{ ok: boolean; status: number; body: Record<string, unknown> }> {
  const res = await io.fetch(`${url}/local/${p}`, { method, headers: { 'x-local-slack': '1' }, signal: AbortSignal.timeout(60_000) });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: res.ok && body.ok === true, status: res.status, body };
}

const errorText = (r: { status: number; body: Record<string, unknown> }): string => (typeof r.body.error === 'string' ? r.body.error : `HTTP ${r.status}`);

const minutes = (ms: number | undefined) => (ms === undefined ? '' : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

function describe(d: DrillStatus): string {
  const timing =
    d.state === 'running'
      ? `running for ${minutes(d.elapsedMs)}`
      : d.state === 'finished'
        ? `${d.finishedBy === 'action' ? 'done' : 'reset'} after ${minutes(d.elapsedMs)}`
        : 'not run';
  const pending = d.state === 'finished' && d.active ? '; not reset yet' : '';
  return `${d.name.padEnd(18)} ${d.title} — ${timing}${pending}${d.error ? ` (${d.error})` : ''}`;
}

function script(d: DrillStatus): string {
  return [`${d.title}: ${d.summary}`, '', 'What to do:', ...d.script.map((s, i) => `  ${i + 1}. ${s}`), '', `It ends when ${d.finishedWhen}.`].join('\n');
}

export async function runLocalCli(args: readonly string[], io: LocalCliIo): Promise<number> {
  const local = parseArea(LocalEnv, io.env);
  const dir = path.resolve(local.OPSBOT_LOCAL_DIR);
  const [verb, ...rest] = args;
  if (verb === 'reset' && rest.length === 0) {
    const url = await running(io, dir);
    if (url) {
      const r = await call(io, url, 'POST', 'reset');
      if (!r.ok) {
        io.stderr(`opsbot local reset: ${errorText(r)}\n`);
        return 1;
      }
      io.stdout(`Reseeded the local workspace's target database in ${String(r.body.ms)} ms (drills were reset first).\n`);
      return 0;
    }
    if (io.env.DATABASE_URL) {
      io.stderr('opsbot local reset reseeds only the embedded database of the local workspace; DATABASE_URL is set, and that database is not the workspace\'s to drop.\n');
      return 1;
    }
    const logger = createLogger({ level: 'warn', redactor: createRedactor([]), name: 'opsbot-local' });
    const pg = await startEmbeddedPostgres({ dir, logger });
    try {
      const r = await resetLocalDatabases(pg.serverUrl, () => io.clock.monotonic());
      io.stdout(`Reseeded the local workspace's target database in ${r.ms ?? 0} ms.\n`);
    } finally {
      await pg.stop();
    }
    return 0;
  }
  if (verb === 'drill') {
    const url = await running(io, dir);
    if (!url) {
      io.stderr(`opsbot local drill: no local workspace is running from ${dir}; start it with \`npm start\` (no Slack settings) first.\n`);
      return 1;
    }
    const [what, name] = rest;
    let r;
    if (what === undefined || (what === 'list' && name === undefined)) r = await call(io, url, 'GET', 'drills');
    else if (what === 'reset') r = await call(io, url, 'POST', name ? `drills/${encodeURIComponent(name)}/reset` : 'drills/reset');
    else if (what === 'status' && name) r = await call(io, url, 'GET', `drills/${encodeURIComponent(name)}`);
    else if (name === undefined) r = await call(io, url, 'POST', `drills/${encodeURIComponent(what)}/start`);
    else {
      io.stderr(`${LOCAL_USAGE}\n`);
      return 3;
    }
    if (!r.ok) {
      io.stderr(`opsbot local drill: ${errorText(r)}\n`);
      return r.status === 400 ? 3 : 1;
    }
    if (Array.isArray(r.body.drills)) io.stdout(`${(r.body.drills as DrillStatus[]).map(describe).join('\n') || 'No drill was running.'}\n`);
    else {
      const d = r.body.drill as DrillStatus;
      io.stdout(`${script(d)}\n${what === 'status' ? `\n${describe(d)}\n` : ''}`);
    }
    return 0;
  }
  io.stderr(`${LOCAL_USAGE}\n`);
  return 3;
}
