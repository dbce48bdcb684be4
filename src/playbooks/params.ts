// Playbook parameters from Slack text: `key=value key2="a value"`. Parsed with the playbook's
// strict zod schema; every error names the parameter and the expected form, and nothing
// unvalidated ever reaches SQL.
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { Playbook } from './types.js';

/** Splits `id k=v k2="v 2"` into words, honouring double quotes. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /([^\s"=]+)="([^"]*)"|"([^"]*)"|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(`${m[1]}=${m[2] ?? ''}`);
    else out.push(m[3] ?? m[4] ?? '');
  }
  return out;
}

/** `k=v` words into a record; a word without `=` is an error naming it. */
export function keyValues(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const i = w.indexOf('=');
    if (i <= 0) {
      throw new InputError(`"${w.slice(0, 40)}" is not a parameter. Write parameters as \`name=value\`, e.g. \`days=90\`.`);
    }
    const key = w.slice(0, i);
    if (!/^[a-z][a-z0-9_]{0,40}$/i.test(key)) throw new InputError(`"${key.slice(0, 40)}" is not a parameter name.`);
    if (key in out) throw new InputError(`Parameter \`${key}\` is given twice.`);
    out[key] = w.slice(i + 1);
  }
  return out;
}

/** Validates raw parameters against the playbook; throws InputError naming each bad one. */
export function parseParams<P>(playbook: Playbook<P>, raw: Record<string, string>): P {
  const parsed = playbook.params.safeParse(raw);
  if (parsed.success) return parsed.data;
  const known = Object.keys(playbook.paramHelp);
  const problems = parsed.error.issues.map((issue: z.core.$ZodIssue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `\`${k.slice(0, 40)}\``).join(', ');
      return `unknown parameter ${keys}; ${playbook.id} takes ${known.length ? known.map((k) => `\`${k}\``).join(', ') : 'no parameters'}`;
    }
    const key = String(issue.path[0] ?? '');
    const help = playbook.paramHelp[key];
    const given = raw[key];
    const shown = given === undefined ? 'missing' : `got "${given.slice(0, 40)}"`;
    return `\`${key}\`: expected ${help ?? issue.message} (${shown})`;
  });
  throw new InputError(`Cannot request ${playbook.id}:\n• ${problems.join('\n• ')}`);
}

/**
 * Parsed parameters back to their text form (defaults filled in). This is what a request
 * stores and shows; parsing it again at run time gives the same values.
 */
export function normalizeParams(parsed: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((parsed ?? {}) as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => String(x)).join(',');
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') out[k] = String(v);
    else out[k] = JSON.stringify(v);
  }
  return out;
}
