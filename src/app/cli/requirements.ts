// What each `opsbot` command cannot run without. The CLI is what people reach for when Slack or
// half the platform is down, so a command asks only for the settings it really uses:
// `DATABASE_URL=… opsbot db connections` must work with nothing else set.
import { FULL_REQUIREMENTS, type Requirement } from '../config.js';
import type { Component } from '../../health/types.js';

/** The target database (diagnostics run there). */
const TARGET = 'DATABASE_URL';
/** The state store: STATE_DATABASE_URL, which defaults to DATABASE_URL. */
const STATE = ['DATABASE_URL', 'STATE_DATABASE_URL'] as const;
/** What `backup now` dumps: BACKUP_DATABASE_URL, else DATABASE_ADMIN_URL, else DATABASE_URL. */
const DUMP_SOURCE = ['DATABASE_URL', 'DATABASE_ADMIN_URL', 'BACKUP_DATABASE_URL'] as const;

// Every health run reads the lockdown notice and the backup catalogue from the state store.
const HEALTH: Record<Component, readonly Requirement[]> = {
  database: [TARGET],
  frontend: ['APP_URL', STATE],
  edge: ['SUPABASE_URL', 'SUPABASE_ANON_KEY', STATE],
  // Failed sign-ins are counted in the target database's auth schema.
  auth: ['SUPABASE_URL', 'SUPABASE_ANON_KEY', TARGET],
  backups: [STATE],
};

/** `opsbot health [component]`. */
export function healthRequirements(component: Component | undefined): readonly Requirement[] {
  return component ? HEALTH[component] : FULL_REQUIREMENTS;
}

/** `opsbot db …` and `opsbot slowqueries`. */
export const DIAGNOSTICS_REQUIREMENTS: readonly Requirement[] = [TARGET];
/** `opsbot lockdown status`: the lockdown record lives in the state store, its target in DATABASE_URL. */
export const LOCKDOWN_REQUIREMENTS: readonly Requirement[] = [TARGET];
/** `opsbot audit`, `opsbot schedule`, `opsbot migrate`: the state store only. */
export const STATE_REQUIREMENTS: readonly Requirement[] = [STATE];

/** `opsbot backup …`: the catalogue is in the state store; only `now` reads the database it dumps. */
export function backupRequirements(args: readonly string[]): readonly Requirement[] {
  const sub = args.find((a) => !a.startsWith('--'));
  return sub === 'now' ? [STATE, DUMP_SOURCE] : [STATE];
}
