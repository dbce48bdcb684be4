// Settings of the two databases: the target being operated on (read-only diagnostics, a small
// pool, short timeouts), the admin connection playbooks write with, and the bot's state store.
import type { z } from 'zod';
import { int, pgUrl, setting, settingsArea } from '../core/env-schema.js';

export const DatabaseEnv = settingsArea('Database', 'The target database, the connection playbooks write with, and the bot\'s own state store.', {
  DATABASE_URL: setting(pgUrl(), {
    doc: 'Target Supabase Postgres (direct or session-mode connection, not the transaction pooler); diagnostics run read-only',
    secret: true,
    example: 'postgres://opsbot_ro:password@db.<ref>.supabase.co:5432/postgres',
  }),
  DATABASE_ADMIN_URL: setting(pgUrl(), {
    doc: 'Connection used by playbooks that write; defaults to DATABASE_URL',
    secret: true,
    example: 'postgres://opsbot_admin:password@db.<ref>.supabase.co:5432/postgres',
  }),
  STATE_DATABASE_URL: setting(pgUrl(), {
    doc: "The bot's own state (schema opsbot): audit, approvals, runs. Defaults to DATABASE_URL; use a separate database in production so the bot keeps its memory while the target is down",
    secret: true,
    example: 'postgres://opsbot:password@state.internal:5432/opsbot',
  }),
  DB_STATEMENT_TIMEOUT_MS: setting(int(100, 600_000), {
    doc: 'statement_timeout of diagnostic queries on the target database',
    default: '5000',
  }),
  DB_LOCK_TIMEOUT_MS: setting(int(10, 60_000), {
    doc: 'lock_timeout of diagnostic queries, so they never queue behind DDL',
    default: '500',
  }),
  DB_POOL_MAX: setting(int(1, 3), {
    doc: 'Connections the bot may hold on the target database (at most 3)',
    default: '3',
  }),
});

export type DatabaseEnv = z.infer<typeof DatabaseEnv>;

/** Connections and limits of the target, admin and state databases. */
export interface DatabaseConnectionSettings {
  /** '' when the command that loaded the configuration does not use the target. */
  url: string;
  adminUrl: string;
  stateUrl: string;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  poolMax: number;
}

/** Maps parsed values; the admin and state connections fall back to the target. */
export function toDatabaseSettings(e: DatabaseEnv): DatabaseConnectionSettings {
  return {
    url: e.DATABASE_URL ?? '',
    adminUrl: e.DATABASE_ADMIN_URL ?? e.DATABASE_URL ?? '',
    stateUrl: e.STATE_DATABASE_URL ?? e.DATABASE_URL ?? '',
    statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: e.DB_LOCK_TIMEOUT_MS,
    poolMax: e.DB_POOL_MAX,
  };
}
