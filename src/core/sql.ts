// Loads SQL statements from sql/*.sql by name (e.g. 'queries/health/connections'). All SQL the bot
// runs lives in those files, with $n parameters only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs from src/core/ (tests, tsx) or from dist/src/core/ (the compiled bot); sql/
// stays at the package root either way, so it is not copied into dist/.
const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(here, '..');
const root = path.basename(path.dirname(src)) === 'dist' ? path.resolve(src, '..', '..') : path.resolve(src, '..');

export const SQL_DIR = path.join(root, 'sql');

const cache = new Map<string, string>();

/** The text of sql/<name>.sql, cached after the first read. */
export function sql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    if (!/^[a-z0-9_/-]+$/.test(name)) throw new Error(`invalid SQL file name: ${name}`);
    text = readFileSync(path.join(SQL_DIR, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
