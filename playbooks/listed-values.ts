// Reads the value list out of an expression as Postgres deparses it (pg_get_constraintdef,
// pg_get_expr): "column is one of these values", whatever way it was written. Anything else is
// not a list, and callers treat it as such rather than guessing.

const LITERAL = /'((?:[^']|'')*)'/g;
// A cast as pg_get_constraintdef prints it: ::text, ::character varying, ::public.app_role, ::text[].
const CAST = /::(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*(?: varying| precision)?)(?:\.(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*))?(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?/gi;

/**
 * The values a CHECK definition or index predicate lists for `column` — `col IN (…)`,
 * `col = ANY (ARRAY[…])`, `col = 'a' OR col = 'b'`, on a table column or a domain (VALUE) — or
 * null when it is anything else (`<>`, AND, functions), whose values cannot be listed.
 */
export function listedValues(definition: string, column: string): string[] | null {
  const values: string[] = [];
  let rest = definition
    .replace(/\s+NOT VALID\s*$/i, '')
    .replace(LITERAL, (_m, v: string) => {
      values.push(v.replace(/''/g, "'"));
      return ' $L ';
    })
    .replace(CAST, ' ');
  const quoted = `"${column.replace(/"/g, '""')}"`;
  rest = rest.split(quoted).join(' $C ');
  const bare = column.replace(/[^a-z0-9_]/gi, '');
  rest = rest.replace(new RegExp(`\\b(?:${bare ? `${bare}|` : ''}VALUE)\\b`, 'g'), ' $C ');
  const leftover = rest.replace(/\b(?:CHECK|ANY|ARRAY|OR)\b|\$L|\$C|[()[\],=\s]/g, '');
  if (leftover !== '' || values.length === 0 || !rest.includes('$C')) return null;
  return [...new Set(values)];
}

