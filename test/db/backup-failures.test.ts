// Each failure — pg_dump older than the server, database unreachable,
// full disk, a killed dump, an archive pg_restore cannot read — ends in a failed catalogue
// entry with its reason and no file left behind, and the bot goes on working. One backup job
// at a time: a second request is told who started the running one and since when.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../src/backup/local-store.js';
import { BusyError, createBackupService, type BackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import type { BackupStore } from '../../src/backup/store.js';
import { systemClock } from '../../src/core/clock.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { capturedLogger } from '../support/unit-log.js';
import { backupTools } from '../support/backup-tools.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const PASSWORD = 'Sup3r-secret-backup-pw';
const { logger, logs } = capturedLogger([], 'debug');
let db: TestDatabase;
let state: StateStore;
let root: string;
let noDump: string | undefined;
async function pgBin(pool: TestDatabase['pool']): Promise<{ binDir?: string; problem?: string; serverMajor: number }> {
  const serverMajor = Math.floor(Number((await pool.query<{ n: string }>(`SELECT current_setting('server_version_num') AS n`)).rows[0]!.n) / 10_000);
  const tools = backupTools();
  return { ...(tools.binDir ? { binDir: tools.binDir } : {}), ...(tools.problem ? { problem: tools.problem } : {}), serverMajor };
}
let bin: Awaited<ReturnType<typeof pgBin>>;

function freshDir(name: string): string {
  const d = path.join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

function service(dir: string, env: Record<string, string> = {}, store?: BackupStore): BackupService {
  const settings = parseBackupSettings(
    { BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: db.serverUrl, ...(bin.binDir ? { BACKUP_PG_BIN_DIR: bin.binDir } : {}), ...env },
    { databaseUrl: db.url, supabaseUrl: undefined, serviceRoleKey: undefined },
  );
  return createBackupService({ settings, state, clock: systemClock, logger, timezone: 'America/New_York', searchPath: process.env.PATH, ...(store ? { store } : {}) });
}

/** Holds the dump after its first chunk until released. */
function gatedStore(inner: BackupStore) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  const store: BackupStore = {
    ...inner,
    begin(key, contentType) {
      const up = inner.begin(key, contentType);
      if (!key.endsWith('.dump')) return up;
      const stream = new Writable({
        write(chunk: Buffer, _enc, cb) {
          reached();
          void gate.then(() => up.stream.write(chunk, cb));
        },
        final(cb) {
          up.stream.end(cb);
        },
      });
      up.stream.on('error', (err) => stream.destroy(err));
      return { stream, commit: () => up.commit(), abort: async () => (stream.destroy(), up.abort()) };
    },
  };
  return { store, release, held };
}

/** Waits until the dump is held at the gate; a backup that ends first fails the test with its reason. */
async function whenHeld(gated: { held: Promise<void> }, running: Promise<{ state: string; error: string | null }>): Promise<void> {
  await Promise.race([
    gated.held,
    running.then((e) => {
      throw new Error(`the backup ended before it was held: ${e.state} ${e.error ?? ''}`);
    }),
  ]);
}

const files = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const runningRows = async () => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM opsbot.backups WHERE state = 'running'`)).rows[0]!.n);

beforeAll(async () => {
  db = await createTestDatabase();
  // ~1 MB of hex text: compresses to several hundred KB, more than the tiny disk below holds.
  await db.pool.query(`INSERT INTO public.organizations (name) VALUES ('Maple Motors')`);
  await db.pool.query(
    `INSERT INTO public.interactions (organization_id, content)
     SELECT o.id, (SELECT string_agg(md5(g::text || i::text || random()::text), '') FROM generate_series(1, 10) i)
     FROM public.organizations o, generate_series(1, 3000) g`,
  );
  state = createStateStore({ url: db.url, logger, connectTimeoutMs: 5000 });
  root = await mkdtemp(path.join(tmpdir(), 'opsbot-backup-fail-'));
  bin = await pgBin(db.pool);
  noDump = bin.problem;
});
afterAll(async () => {
  await state.close();
  await db.drop();
  await rm(root, { recursive: true, force: true });
});

describe('failures end in a failed entry with the reason and no file', () => {
  it('pg_dump older than the server: refused before dumping, with what to install', async () => {
    const dir = freshDir('old-client');
    // A pg_dump that reports an old version (and would refuse like the real one does).
    const stub = freshDir('stub-bin');
    writeFileSync(
      path.join(stub, 'pg_dump'),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) ${bin.serverMajor - 1}.11"; exit 0; fi\necho "pg_dump: error: aborting because of server version mismatch" >&2\nexit 1\n`,
    );
    chmodSync(path.join(stub, 'pg_dump'), 0o755);
    const svc = service(dir, { BACKUP_PG_BIN_DIR: stub });
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(new RegExp(`^pg_dump ${bin.serverMajor - 1}\\.11 is older than the server \\(PostgreSQL ${bin.serverMajor}[.\\d]*.*\\); pg_dump cannot dump a newer server\\. Install the PostgreSQL ${bin.serverMajor} client tools`));
    expect(entry.clientVersion).toBe(`${bin.serverMajor - 1}.11`);
    expect(files(dir)).toEqual([]);
    expect((await svc.list()).find((e) => e.id === entry.id)?.state).toBe('failed');
  });

  it('the real client on a newer server (embedded Postgres 18 with pg_dump 15) fails the same clean way', async (ctx) => {
    if (!noDump) ctx.skip('the local pg_dump can dump this server; the stub above covers the case');
    const dir = freshDir('real-old-client');
    const entry = await service(dir).backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(/is older than the server .* pg_dump cannot dump a newer server/);
    expect(files(dir)).toEqual([]);
  });

  it('database unreachable: connection refused, said without the password', async () => {
    const dir = freshDir('unreachable');
    const svc = service(dir, { BACKUP_DATABASE_URL: `postgres://opsbot:${PASSWORD}@127.0.0.1:1/postgres` });
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(/^Cannot connect to the database to back up \(BACKUP_DATABASE_URL\): connection refused at 127\.0\.0\.1:1/);
    expect(JSON.stringify(entry)).not.toContain(PASSWORD);
    expect(files(dir)).toEqual([]);
  });

  it('full disk (a real 256 KB tmpfs): ENOSPC, partial file removed', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const dir = freshDir('tiny-disk');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      ctx.skip('cannot mount a tmpfs here (needs root); the injected write error below covers the path');
    }
    try {
      const entry = await service(dir).backupNow({ actor: 'U0ONCALL' });
      expect(entry.state).toBe('failed');
      expect(entry.error).toBe(`The backup store is full (${dir}: no space left on device).`);
      expect(files(dir)).toEqual([]);
    } finally {
      execFileSync('umount', [dir]);
    }
  });

  it('full disk (injected ENOSPC after 64 KB): partial file removed', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const dir = freshDir('enospc');
    const store = createLocalStore({
      dir,
      openWrite: (file) => {
        let written = 0;
        const real = new Writable({
          write(chunk: Buffer, _enc, cb) {
            if (written + chunk.length > 64 * 1024) {
              const err = Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
              return cb(err);
            }
            written += chunk.length;
            writeFileSync(file, chunk, { flag: 'a' });
            cb();
          },
        });
        writeFileSync(file, '', { flag: 'wx' });
        return real;
      },
    });
    const entry = await service(dir, {}, store).backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toBe(`The backup store is full (${dir}: no space left on device).`);
    expect(files(dir)).toEqual([]);
  });

  it('a killed pg_dump: failed as killed, partial file removed', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const dir = freshDir('killed');
    const gated = gatedStore(createLocalStore({ dir }));
    const svc = service(dir, {}, gated.store);
    const running = svc.backupNow({ actor: 'U0ONCALL' });
    await whenHeld(gated, running);
    const pid = svc.current()?.pid;
    expect(pid).toBeGreaterThan(0);
    // The password travels in the environment, never on the command line.
    process.kill(pid!, 'SIGKILL');
    gated.release();
    const entry = await running;
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(/^pg_dump was killed \(SIGKILL\) before it finished/);
    expect(files(dir)).toEqual([]);
  });

  it('an archive pg_restore --list cannot read: failed, stored file removed', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const dir = freshDir('unreadable');
    const inner = createLocalStore({ dir });
    // Flips the archive's magic bytes on the way to disk.
    const corrupting: BackupStore = {
      ...inner,
      begin(key, contentType) {
        const up = inner.begin(key, contentType);
        if (!key.endsWith('.dump')) return up;
        let first = true;
        const t = new Transform({
          transform(chunk: Buffer, _e, cb) {
            if (first) {
              chunk = Buffer.from(chunk);
              chunk.write('XXXXX', 0);
              first = false;
            }
            cb(null, chunk);
          },
        });
        t.pipe(up.stream);
        up.stream.on('error', (e) => t.destroy(e));
        return { stream: t, commit: () => up.commit(), abort: () => up.abort() };
      },
    };
    const entry = await service(dir, {}, corrupting).backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('failed');
    expect(entry.error).toMatch(/^pg_restore --list could not read the stored file: pg_restore exited with code 1: .*(not appear to be a valid archive|did not find magic string)/);
    expect(files(dir)).toEqual([]);
  });

  it('a backup cut short by a crash is closed by the next job: marked failed, its partial file removed', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const dir = freshDir('crashed');
    await db.pool.query(
      `INSERT INTO opsbot.backups (id, kind, state, started_by, started_at, store, object_key)
       VALUES ('20200101T000000Z-dead', 'scheduled', 'running', 'scheduler', now() - interval '1 hour', 'local', '20200101T000000Z-dead.dump')`,
    );
    await db.pool.query(`INSERT INTO opsbot.backup_jobs (kind, backup_id, started_by, started_at) VALUES ('backup', '20200101T000000Z-dead', 'scheduler', now() - interval '1 hour')`);
    writeFileSync(path.join(dir, '.20200101T000000Z-dead.dump.partial'), 'half a dump');
    const svc = service(dir);
    const entry = await svc.backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('succeeded');
    const dead = await svc.find('20200101T000000Z-dead');
    expect(dead.state).toBe('failed');
    expect(dead.error).toMatch(/^interrupted: the bot stopped while this backup was running/);
    expect(files(dir).sort()).toEqual([`${entry.id}.dump`, `${entry.id}.manifest.json`]);
  });
});

describe('one backup job at a time', () => {
  it('a second /backup now (same or another replica) is told who started the running one and when; no second dump', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const dir = freshDir('busy');
    const gated = gatedStore(createLocalStore({ dir }));
    const svc = service(dir, {}, gated.store);
    const replica = service(dir);
    const before = Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM opsbot.backups')).rows[0]!.n);
    const first = svc.backupNow({ actor: 'U0ONCALL' });
    await whenHeld(gated, first).catch((err: unknown) => {
      gated.release();
      throw err;
    });
    for (const second of [svc, replica]) {
      const err = await second.backupNow({ actor: 'U0OTHER' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BusyError);
      expect((err as BusyError).userMessage).toMatch(/^A backup is already running \(\d{8}T\d{6}Z-[0-9a-f]{4}\): started by <@U0ONCALL> at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T \(\d+ s ago\)\. One backup job runs at a time; nothing new was started/);
    }
    // Verify and prune wait their turn too.
    await expect(replica.verify('latest', { actor: 'U0OTHER' })).rejects.toBeInstanceOf(BusyError);
    expect(await runningRows()).toBe(1);
    gated.release();
    const entry = await first;
    expect(entry.state).toBe('succeeded');
    const after = Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM opsbot.backups')).rows[0]!.n);
    expect(after - before).toBe(1);
    // Free again.
    expect((await replica.backupNow({ actor: 'U0OTHER' })).state).toBe('succeeded');
  });
});

describe('secrets', () => {
  it('the database password is handed over in PGPASSWORD: never on the command line, in the catalogue, the manifest or the log', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const role = `backup_reader_${Math.random().toString(36).slice(2, 8)}`;
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'`);
    await db.pool.query(`GRANT pg_read_all_data TO ${role}`);
    try {
      const u = new URL(db.url);
      u.username = role;
      u.password = PASSWORD;
      const dir = freshDir('secret');
      const gated = gatedStore(createLocalStore({ dir }));
      const svc = service(dir, { BACKUP_DATABASE_URL: u.toString() }, gated.store);
      const running = svc.backupNow({ actor: 'U0ONCALL' });
      try {
        await whenHeld(gated, running);
        const pid = svc.current()!.pid!;
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        expect(cmdline).toContain('--snapshot=');
        expect(cmdline).toContain(role);
        expect(cmdline).not.toContain(PASSWORD);
        expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toContain(`PGPASSWORD=${PASSWORD}`);
      } finally {
        gated.release();
      }
      const entry = await running;
      expect(entry.state).toBe('succeeded');
      expect(JSON.stringify(entry)).not.toContain(PASSWORD);
      expect(readFileSync(path.join(dir, `${entry.id}.manifest.json`), 'utf8')).not.toContain(PASSWORD);
      const audit = await db.pool.query(`SELECT detail::text AS d FROM opsbot.audit_log WHERE action LIKE 'backup.%'`);
      expect(audit.rows.map((r: { d: string }) => r.d).join('\n')).not.toContain(PASSWORD);
      expect(logs.raw()).not.toContain(PASSWORD);
    } finally {
      await db.pool.query(`DROP OWNED BY ${role}`);
      await db.pool.query(`DROP ROLE ${role}`);
    }
  });

  it('after every failure above the service still works and nothing is left running', async (ctx) => {
    if (noDump) ctx.skip(noDump);
    const entry = await service(freshDir('after')).backupNow({ actor: 'U0ONCALL' });
    expect(entry.state).toBe('succeeded');
    expect(await runningRows()).toBe(0);
    const open = await db.pool.query(`SELECT count(*)::int AS n FROM opsbot.backup_jobs WHERE finished_at IS NULL`);
    expect(open.rows[0]).toEqual({ n: 0 });
  });
});
