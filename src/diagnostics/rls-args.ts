// Arguments of `/db rls <user-uuid> <table> [where …]`. Pure, so a bad argument is answered in
// the ack before any I/O. The filter is a tiny grammar — `column op value`, joined with `and` —
// whose columns are later matched against the catalog and whose values only ever travel as $n
// parameters: nothing typed here becomes SQL text.
import { InputError } from '../core/errors.js';
import { quoteInput } from '../slack/blocks.js';
import { checkText } from '../slack/input.js';

export const RLS_USAGE = '/db rls <user-uuid> <table> [where <column> <op> <value> [and …]]';
export const RLS_EXAMPLE = "/db rls 0b6c7d1e-4f2a-4c3b-9d8e-1a2b3c4d5e6f public.leads where status = 'new'";

/** Comparison operators of the filter, as typed; `is null` / `is not null` take no value. */
export const RLS_OPERATORS = ['=', '!=', '<>', '<', '<=', '>', '>=', 'is null', 'is not null'] as const;
export type RlsOperator = (typeof RLS_OPERATORS)[number];

/** One `column op value` of the filter; `value` is undefined for `is [not] null`. */
export interface RlsCondition {
  column: string;
  op: RlsOperator;
  value?: string;
}

export interface RlsArgs {
  /** The Auth user id (lowercase uuid) whose JWT claims are set. */
  userId: string;
  schema: string;
  table: string;
  conditions: RlsCondition[];
}

/** At most this many conditions: a filter, not a query language. */
export const MAX_CONDITIONS = 5;
const MAX_VALUE = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Unquoted Postgres identifiers (folded to lowercase as Postgres does); quoted ones are not
// accepted, so every name typed is one word of letters, digits, _ and $.
const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

type Token = { kind: 'word' | 'op' | 'string'; text: string };

// Slack escapes <, > and & in command text, and phones turn quotes curly.
function normalize(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      // A quoted value; a doubled quote inside stands for one, as in SQL.
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new InputError(`The value starting at ${quoteInput(text.slice(i, i + 20), 20)} has no closing ${c}. Usage: \`${RLS_USAGE}\`.`);
        if (text[j] === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      out.push({ kind: 'string', text: value });
      i = j + 1;
    } else if ('=!<>'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = ['!=', '<>', '<=', '>='].includes(two) ? two : c;
      if (op === '!') throw new InputError(`"!" alone is not an operator; use != or <>. Usage: \`${RLS_USAGE}\`.`);
      out.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j]!) && !'=!<>\'"'.includes(text[j]!)) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return out;
}

function identifier(word: string, what: string): string {
  if (!IDENT.test(word)) {
    throw new InputError(`"${quoteInput(word, 40)}" is not a ${what} name I accept: letters, digits, _ and $ only, starting with a letter or _. Usage: \`${RLS_USAGE}\`.`);
  }
  return word.toLowerCase();
}

function parseTable(word: string): { schema: string; table: string } {
  const parts = word.split('.');
  if (parts.length > 2) throw new InputError(`"${quoteInput(word, 60)}" is not a table name; write it as \`table\` or \`schema.table\`, e.g. \`public.leads\`.`);
  const [schema, table] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['public', parts[0]!];
  return { schema: identifier(schema, 'schema'), table: identifier(table, 'table') };
}

function parseConditions(tokens: Token[]): RlsCondition[] {
  const out: RlsCondition[] = [];
  let i = 0;
  const describe = (t: Token | undefined) => (t ? `"${quoteInput(t.text, 30)}"` : 'the end');
  while (i < tokens.length) {
    const col = tokens[i];
    if (!col || col.kind !== 'word') throw new InputError(`Expected a column name, got ${describe(col)}. Write the filter as \`where <column> <op> <value> [and …]\`.`);
    const column = identifier(col.text, 'column');
    const next = tokens[i + 1];
    let op: RlsOperator;
    let value: string | undefined;
    if (next?.kind === 'word' && next.text.toLowerCase() === 'is') {
      const a = tokens[i + 2]?.text.toLowerCase();
      const b = tokens[i + 3]?.text.toLowerCase();
      if (a === 'null' && tokens[i + 2]?.kind === 'word') {
        op = 'is null';
        i += 3;
      } else if (a === 'not' && b === 'null' && tokens[i + 3]?.kind === 'word') {
        op = 'is not null';
        i += 4;
      } else {
        throw new InputError(`After \`${column} is\` write \`null\` or \`not null\`.`);
      }
    } else if (next?.kind === 'op') {
      op = next.text as RlsOperator;
      const v = tokens[i + 2];
      if (!v || (v.kind === 'word' && v.text.toLowerCase() === 'and')) throw new InputError(`\`${column} ${op}\` needs a value, e.g. \`${column} ${op} 'new'\`.`);
      if (v.kind === 'op') throw new InputError(`\`${column} ${op}\` is followed by another operator (${describe(v)}); write one value after it.`);
      value = checkText(`value for ${column}`, v.text, { max: MAX_VALUE });
      i += 3;
    } else {
      throw new InputError(`After the column \`${column}\` I expected an operator (${RLS_OPERATORS.map((o) => `\`${o}\``).join(', ')}), got ${describe(next)}.`);
    }
    out.push(value === undefined ? { column, op } : { column, op, value });
    const joiner = tokens[i];
    if (joiner === undefined) break;
    if (joiner.kind !== 'word' || joiner.text.toLowerCase() !== 'and') {
      throw new InputError(`Conditions are joined with \`and\` only; I got ${describe(joiner)}. Write \`where a = 1 and b = 'x'\`.`);
    }
    i++;
    if (i >= tokens.length) throw new InputError('The filter ends with `and`: add a condition after it or remove it.');
  }
  if (out.length > MAX_CONDITIONS) throw new InputError(`At most ${MAX_CONDITIONS} conditions, joined with \`and\`.`);
  return out;
}

/** Parses the text after `/db rls`. */
export function parseRlsArgs(raw: string): RlsArgs {
  const text = normalize(raw).trim();
  checkText('command text', text, { max: 2000 });
  const m = /^(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!m) throw new InputError(`\`/db rls\` needs a user id and a table. Usage: \`${RLS_USAGE}\`, e.g. \`${RLS_EXAMPLE}\`.`);
  const [, user, tableWord, rest = ''] = m;
  if (!UUID.test(user!)) throw new InputError(`"${quoteInput(user!, 40)}" is not a user id: write the Auth user's uuid, e.g. \`${RLS_EXAMPLE}\`.`);
  const { schema, table } = parseTable(tableWord!);
  const tokens = tokenize(rest);
  let conditions: RlsCondition[] = [];
  if (tokens.length > 0) {
    const w = tokens[0]!;
    if (w.kind !== 'word' || w.text.toLowerCase() !== 'where') {
      throw new InputError(`After the table I expected \`where\`, got "${quoteInput(w.text, 30)}". Usage: \`${RLS_USAGE}\`.`);
    }
    if (tokens.length === 1) throw new InputError('`where` needs at least one condition, e.g. `where status = \'new\'`.');
    conditions = parseConditions(tokens.slice(1));
  }
  return { userId: user!.toLowerCase(), schema, table, conditions };
}

/** The filter as people read it: `status = 'new' and owner is not null`. */
export function describeConditions(conditions: readonly RlsCondition[]): string {
  return conditions.map((c) => (c.value === undefined ? `${c.column} ${c.op}` : `${c.column} ${c.op} '${c.value.replace(/'/g, "''")}'`)).join(' and ');
}
