// Loads SQL statements from sql/*.sql by name (e.g. 'queries/health/connections'). All SQL the bot
// runs lives in those files, with $n parameters only. Names are typed by the generated SqlName
// union, so a renamed or missing file is a compile error, not a failed command.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlName } from './sql-names.js';

export type { SqlName } from './sql-names.js';

/** The ids of the SQL files under sql/<folder>/, without the folder (e.g. SqlNameIn<'alerts'>). */
export type SqlNameIn<Folder extends string> = SqlName extends infer N ? (N extends `${Folder}/${infer Rest}` ? Rest : never) : never;

declare const loaded: unique symbol;
/**
 * Statement text that sql() read from a file: what a query interface asks for when it must only
 * run the bot's own statements, never text assembled elsewhere.
 */
export type SqlText = string & { readonly [loaded]: true };

// This file runs from src/core/ (tests, tsx) or from dist/src/core/ (the compiled bot); sql/
// stays at the package root either way, so it is not copied into dist/.
const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(here, '..');
const root = path.basename(path.dirname(src)) === 'dist' ? path.resolve(src, '..', '..') : path.resolve(src, '..');

export const SQL_DIR = path.join(root, 'sql');

const cache = new Map<string, SqlText>();

/** The text of sql/<name>.sql, cached after the first read. */
export function sql(name: SqlName): SqlText {
  let text = cache.get(name);
  if (text === undefined) {
    // Still checked at run time: a name can arrive through an `as` cast or untyped JavaScript.
    if (!/^[a-z0-9_/-]+$/.test(name)) throw new Error(`invalid SQL file name: ${name}`);
    text = readFileSync(path.join(SQL_DIR, `${name}.sql`), 'utf8') as SqlText;
    cache.set(name, text);
  }
  return text;
}

/**
 * Fills each {{key}} placeholder of a statement with its fragment: column expressions from a
 * fixed table in code, or identifiers already escaped — never text a user typed, which goes in
 * $n parameters. A placeholder without a fragment is a bug, so it throws rather than run.
 */
export function fillSql(text: string, fragments: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{([a-z_]+)\}\}/g, (_m, key: string) => {
    const fragment = fragments[key];
    if (fragment === undefined) throw new Error(`missing SQL fragment {{${key}}}`);
    return fragment;
  });
}
