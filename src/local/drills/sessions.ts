// Sessions a drill opens on the target as AutoRepAi's API role (never opsbot, never a
// superuser), with their pids, so the drill knows when the responder has ended them and can
// end them itself on reset.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from '../../core/sql.js';

export const APP_ROLE = 'autorepai_api';

export interface DrillSession {
  client: pg.Client;
  pid: number;
}

/** Creates (or re-keys) the app role with a fresh password; returns the URL to connect as it. */
export async function appRoleUrl(targetUrl: string): Promise<string> {
  const password = randomBytes(18).toString('base64url');
  const admin = new pg.Client({ connectionString: targetUrl, application_name: 'opsbot-local/drill-setup' });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin.query(sql('local/drills/app-role-password'), [password]);
    await admin.query(sql('local/drills/app-role'));
  } finally {
    await admin.end().catch(() => undefined);
  }
  const u = new URL(targetUrl);
  u.username = APP_ROLE;
  u.password = password;
  return u.toString();
}

/** Opens one session; its errors (the responder ending it) are expected and swallowed. */
export async function openSession(url: string, applicationName: string): Promise<DrillSession> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  const { rows } = await client.query<{ pid: number }>(sql('local/drills/backend-pid'));
  return { client, pid: rows[0]!.pid };
}

/** Runs a statement on a session without waiting for it (it blocks or sleeps on purpose). */
export function fireAndForget(s: DrillSession, text: string, values: unknown[] = []): void {
  s.client.query(text, values).catch(() => undefined);
}

async function withAdmin<T>(targetUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: targetUrl, application_name: 'opsbot-local/drill' });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** How many of these sessions are still connected. */
export async function aliveCount(targetUrl: string, pids: readonly number[]): Promise<number> {
  if (pids.length === 0) return 0;
  return withAdmin(targetUrl, async (c) => (await c.query<{ n: number }>(sql('local/drills/alive-pids'), [pids])).rows[0]?.n ?? 0);
}

/** Ends the sessions server-side (they may be blocked, so ending the client is not enough) and closes the clients. */
export async function endSessions(targetUrl: string, sessions: readonly DrillSession[]): Promise<void> {
  if (sessions.length === 0) return;
  await withAdmin(targetUrl, (c) => c.query(sql('local/drills/terminate-pids'), [sessions.map((s) => s.pid)])).catch(() => undefined);
  await Promise.all(sessions.map((s) => s.client.end().catch(() => undefined)));
}

export { withAdmin };
