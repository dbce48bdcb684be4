// Fills {{name}} placeholders of sql/backup files with fragments built here: identifiers
// escaped with pg.escapeIdentifier, literals with pg.escapeLiteral, integers checked. Table and
// database names come from catalogs and manifests, never from a user's text unchecked.
import pg from 'pg';

/** "schema"."name", escaped. */
export function qualified(table: TableRef): string {
  return `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
}

export interface TableRef {
  schema: string;
  name: string;
}

/** "schema.name" for people and for matching with catalog queries. */
export function tableKey(t: TableRef): string {
  return `${t.schema}.${t.name}`;
}

/** Splits "schema.name" at the first dot (schema names with dots are not supported). */
export function parseTableKey(key: string): TableRef {
  const i = key.indexOf('.');
  return i < 0 ? { schema: 'public', name: key } : { schema: key.slice(0, i), name: key.slice(i + 1) };
}

/** Replaces each {{key}} with its fragment; a placeholder without a value is a bug. */
export function fill(text: string, fragments: Record<string, string>): string {
  return text.replace(/\{\{([a-z_]+)\}\}/g, (_m, key: string) => {
    const v = fragments[key];
    if (v === undefined) throw new Error(`missing SQL fragment ${key}`);
    return v;
  });
}

/** A whole number as SQL text, or an error: manifest values are checked before they reach SQL. */
export function integer(v: string | number): string {
  const s = String(v);
  if (!/^-?\d{1,40}$/.test(s)) throw new Error(`not an integer: ${s.slice(0, 40)}`);
  return s;
}

export const literal = (s: string): string => pg.escapeLiteral(s);
export const identifier = (s: string): string => pg.escapeIdentifier(s);
