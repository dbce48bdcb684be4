// Parameter schemas and helpers shared by the runbook playbooks.
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';

/** Roles of the Supabase platform whose sessions the bot never ends. */
export const PLATFORM_ROLES = [
  'supabase_admin',
  'supabase_auth_admin',
  'supabase_storage_admin',
  'supabase_realtime_admin',
  'supabase_replication_admin',
  'supabase_functions_admin',
  'supabase_read_only_user',
  'pgbouncer',
  'supavisor',
];

export const uuid = z.string().trim().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a uuid');

/** Whole number from Slack text, with bounds. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const yesNo = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', 'yes', 'no']))
  .transform((v) => v === 'true' || v === 'yes');

export const toNum = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The target row must exist, or the request is refused before anyone is asked to approve. */
export function mustExist<T>(value: T | undefined | null, message: string): T {
  if (value === undefined || value === null) throw new InputError(message);
  return value;
}

/** A database value as display text (strings, numbers and booleans as is; anything else: fallback). */
export function text(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v === '' ? fallback : v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return fallback;
}
