// Query text as shown to people: comments dropped, whitespace collapsed, every string, number
// and dollar-quoted literal masked, secrets redacted, and shortened. pg_stat_statements
// normalizes constants to $n, but not in utility statements (CREATE ROLE … PASSWORD '…', SET,
// DO blocks) and pg_stat_activity shows statements as sent, so masking is never skipped.
import { truncate } from '../slack/blocks.js';

const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const NUMBER = /^(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Replaces literals with `?` and drops comments; identifiers, keywords and $n parameters stay. */
export function maskSqlLiterals(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  const prevIsIdent = () => out.length > 0 && IDENT.test(out[out.length - 1]!);
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      // Comments nest in Postgres.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
      out += ' ';
    } else if (c === "'") {
      // E'…' strings allow backslash escapes; the E is already in `out`.
      const escapes = /(^|[^A-Za-z0-9_$])[eE]$/.test(out);
      i++;
      while (i < n) {
        if (escapes && sql[i] === '\\') {
          i += 2;
        } else if (sql[i] === "'" && sql[i + 1] === "'") {
          i += 2;
        } else if (sql[i] === "'") {
          i++;
          break;
        } else {
          i++;
        }
      }
      out += "'?'";
    } else if (c === '"') {
      // A quoted identifier is a name, not data: keep it.
      let j = i + 1;
      while (j < n) {
        if (sql[j] === '"' && sql[j + 1] === '"') j += 2;
        else if (sql[j] === '"') break;
        else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && !prevIsIdent()) {
      const m = DOLLAR_TAG.exec(sql.slice(i, i + 66));
      if (m) {
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? n : end + tag.length;
        out += '$$?$$';
      } else {
        // $1 parameters stay as they are.
        const p = /^\$\d+/.exec(sql.slice(i, i + 12));
        out += p ? p[0] : c;
        i += p ? p[0].length : 1;
      }
    } else if (/[0-9.]/.test(c) && !prevIsIdent()) {
      const m = NUMBER.exec(sql.slice(i, i + 64));
      if (m && m[0] !== '.') {
        out += '?';
        i += m[0].length;
        // A long number continues past the 64-character window.
        while (i < n && /[0-9_]/.test(sql[i]!)) i++;
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Query text ready to show: masked, redacted and at most `max` characters. `null` (the role may
 * not see it) and `<insufficient privilege>` come back as a note, not as SQL.
 */
export function displayQuery(sql: string | null | undefined, max: number, redact: (s: string) => string): string {
  if (sql === null || sql === undefined || sql === '<insufficient privilege>') return '(query text hidden: the bot role lacks pg_read_all_stats)';
  const masked = redact(maskSqlLiterals(sql));
  if (masked === '') return '(empty)';
  return truncate(masked, max);
}
