// pg_dump, pg_restore and psql as child processes: where they are, which version they are,
// how they are started (password in PGPASSWORD, a minimal environment, application_name
// opsbot/…), and what their stderr says when they fail.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { OpsError } from '../core/errors.js';
import type { ToolConnection } from './conn.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { BackupStore } from './store.js';

export type ToolName = 'pg_dump' | 'pg_restore' | 'psql';

/** Where the client tools live. */
export interface PgTools {
  /** Absolute path of a tool; throws an OpsError saying how to install it when missing. */
  path(name: ToolName): string;
  /** PATH handed to the children (they may run helpers themselves). */
  searchPath: string;
}

/** True when `p` is a file this process may execute. */
export function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the tools in `binDir`, or else on `searchPath` (the PATH of the bot's environment). */
export function pgTools(binDir: string | undefined, searchPath: string | undefined): PgTools {
  const dirs = binDir ? [binDir] : (searchPath ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter).filter(Boolean);
  const cache = new Map<ToolName, string>();
  return {
    searchPath: searchPath ?? '/usr/local/bin:/usr/bin:/bin',
    path(name) {
      const hit = cache.get(name);
      if (hit) return hit;
      for (const d of dirs) {
        const p = path.resolve(d, name);
        if (executable(p)) {
          cache.set(name, p);
          return p;
        }
      }
      throw new OpsError(
        'upstream_unavailable',
        `${name} was not found${binDir ? ` in BACKUP_PG_BIN_DIR (${binDir})` : ' on PATH'}. Install the PostgreSQL client tools of at least the server's major version (e.g. postgresql-client-17) and set BACKUP_PG_BIN_DIR to their directory.`,
      );
    },
  };
}

export interface ToolVersion {
  /** e.g. "15.20" */
  version: string;
  major: number;
}

/** Parses `pg_dump --version` output such as "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)". */
export function parseToolVersion(text: string): ToolVersion | undefined {
  const m = /\(PostgreSQL\)\s+(\d+)(\.\d+)?([A-Za-z0-9]*)/.exec(text);
  if (!m) return undefined;
  return { version: `${m[1]}${m[2] ?? ''}${m[3] ?? ''}`, major: Number(m[1]) };
}

/** Major version from server_version_num (150020 → 15). */
export function serverMajor(versionNum: number): number {
  return Math.floor(versionNum / 10_000);
}

/** The child's environment: only what libpq needs, never the bot's own secrets. */
export function toolEnv(conn: ToolConnection, appName: string, searchPath: string): Record<string, string> {
  return {
    PATH: searchPath,
    PGAPPNAME: appName,
    PGCONNECT_TIMEOUT: '10',
    // Messages in English, so the reasons we pass on read the same everywhere.
    LC_MESSAGES: 'C',
    ...(conn.password !== undefined ? { PGPASSWORD: conn.password } : {}),
  };
}

/** A running tool with a bounded tail of its stderr. */
export interface ToolRun {
  child: ChildProcessByStdio<Writable | null, Readable, Readable>;
  /** Resolves when the process has exited (never rejects; a spawn error becomes code null). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>;
  /** The last few KB of stderr. */
  stderr(): string;
}

const STDERR_KEEP = 8192;

/** Starts a tool; stdin is a pipe when `stdin` is 'pipe', else ignored. */
export function runTool(file: string, args: string[], env: Record<string, string>, stdin: 'pipe' | 'ignore' = 'ignore'): ToolRun {
  const child = spawn(file, args, { env, stdio: [stdin, 'pipe', 'pipe'] }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    tail = (tail + s).slice(-STDERR_KEEP);
  });
  // A child that exits before reading all of stdin must not crash the bot with EPIPE.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
    let spawnError: Error | undefined;
    child.once('error', (err) => {
      spawnError = err;
      // 'close' may never come when the spawn itself failed.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: err });
    });
    child.once('close', (code, signal) => resolve({ code, signal, ...(spawnError ? { spawnError } : {}) }));
  });
  return { child, exited, stderr: () => tail };
}

/** Runs a tool to completion and returns its stdout (small outputs only: --version, --list). */
export async function toolOutput(file: string, args: string[], env: Record<string, string>, maxBytes = 64 * 1024 * 1024): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; spawnError?: Error }> {
  const run = runTool(file, args, env);
  const chunks: Buffer[] = [];
  let size = 0;
  run.child.stdout.on('data', (b: Buffer) => {
    size += b.length;
    if (size <= maxBytes) chunks.push(b);
  });
  const r = await run.exited;
  return { ...r, stdout: Buffer.concat(chunks).toString('utf8'), stderr: run.stderr() };
}

/** The lines a tool wrote about what went wrong, shortest useful form. */
export function toolError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.filter((l) => /error|fatal|could not|aborting|permission denied|ERROR:/i.test(l));
  const picked = (errors.length ? errors : lines).slice(-3).join(' / ');
  return picked.length > 600 ? `${picked.slice(0, 600)}…` : picked;
}

/** Why a tool stopped, in words. */
export function exitReason(name: ToolName, r: { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }, stderr: string): string {
  if (r.spawnError) return `${name} could not be started: ${r.spawnError.message}`;
  if (r.signal) return `${name} was killed (${r.signal}) before it finished`;
  const said = toolError(stderr);
  return `${name} exited with code ${r.code ?? '?'}${said ? `: ${said}` : ''}`;
}

/** Contents of an archive as `pg_restore --list` printed it. */
export interface Toc {
  entries: number;
  /** "schema.name" of every TABLE DATA entry. */
  tableData: string[];
  /** "schema.name" of every SEQUENCE SET entry. */
  sequenceSet: string[];
  /** The raw entry lines, in archive order (for --use-list). */
  lines: string[];
}

// "3485; 0 112969 TABLE DATA auth audit_log_entries postgres"
const ENTRY = /^(\d+); (\d+) (\d+) (.*)$/;

/** Parses `pg_restore --list`; names with spaces parse as long as the owner has none. */
export function parseToc(text: string): Toc {
  const lines = text.split('\n').filter((l) => ENTRY.test(l));
  const pick = (kind: string) =>
    lines
      .map((l) => ENTRY.exec(l)?.[4] ?? '')
      .filter((rest) => rest.startsWith(`${kind} `))
      .map((rest) => {
        const words = rest.slice(kind.length + 1).split(' ');
        // schema, name…, owner
        return `${words[0]}.${words.slice(1, -1).join(' ')}`;
      });
  return { entries: lines.length, tableData: pick('TABLE DATA'), sequenceSet: pick('SEQUENCE SET'), lines };
}

/**
 * Runs a tool reading `input` on stdin (e.g. `pg_restore --list` over a stored archive) and
 * returns its stdout. The tool may stop reading early (--list needs only the table of
 * contents); the rest of the input is then not read at all.
 */
export async function toolOutputFrom(file: string, args: string[], env: Record<string, string>, input: NodeJS.ReadableStream & { destroy(err?: Error): unknown }): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; inputError?: Error; spawnError?: Error }> {
  const run = runTool(file, args, env, 'pipe');
  const chunks: Buffer[] = [];
  run.child.stdout.on('data', (b: Buffer) => chunks.push(b));
  let inputError: Error | undefined;
  input.on('error', (err: Error) => {
    inputError = err;
    run.child.stdin?.end();
  });
  if (run.child.stdin) input.pipe(run.child.stdin);
  const r = await run.exited;
  input.destroy();
  return { ...r, stdout: Buffer.concat(chunks).toString('utf8'), stderr: run.stderr(), ...(inputError ? { inputError } : {}) };
}

/** What every job that runs the client tools against a store needs (dump, verify, restore). */
export interface ToolJobEnv {
  connectTimeoutMs: number;
  tools: PgTools;
  store: BackupStore;
  clock: Clock;
  logger: Logger;
  redact: (text: string) => string;
}
