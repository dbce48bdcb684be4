// Connection strings for the Postgres client tools. The password never goes on a command line
// (any local user can read it in `ps`): it is taken out of the URL and handed to the child in
// PGPASSWORD; what stays in the URL (host, port, database, options) is not secret.
import { InputError } from '../core/errors.js';

export interface ToolConnection {
  /** The URL without user password (for --dbname). */
  url: string;
  /** The password, for PGPASSWORD; undefined when the URL has none. */
  password: string | undefined;
  host: string;
  port: string;
  database: string;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a postgres:// URL into a password-free URL and the password. */
export function toolConnection(rawUrl: string): ToolConnection {
  const u = new URL(rawUrl);
  let password = u.password ? decode(u.password) : undefined;
  u.password = '';
  // libpq also accepts the password as a query parameter; move it too.
  const qp = u.searchParams.get('password');
  if (qp !== null) {
    password = qp;
    u.searchParams.delete('password');
  }
  return {
    url: u.toString(),
    password,
    host: decode(u.hostname) || 'localhost',
    port: u.port || '5432',
    database: decode(u.pathname.replace(/^\//, '')) || decode(u.username) || 'postgres',
  };
}

/** The same server, another database. */
export function withDatabase(rawUrl: string, database: string): string {
  const u = new URL(rawUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * pg_export_snapshot, pg_dump's snapshot and session settings need one server session; the
 * Supavisor transaction pooler (port 6543) hands each transaction to another backend.
 */
export function refuseTransactionPooler(rawUrl: string, setting: string): void {
  const u = new URL(rawUrl);
  if (u.port === '6543' || /[?&]pgbouncer=true\b/.test(u.search)) {
    throw new InputError(
      `${setting} points at the transaction pooler (port 6543), where snapshots and pg_dump do not work. Use the direct connection (db.<ref>.supabase.co:5432) or the session-mode pooler (port 5432).`,
    );
  }
}
