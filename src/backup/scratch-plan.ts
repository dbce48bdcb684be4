// What a verification restores into a plain Postgres scratch server from a Supabase-shaped
// archive. Backups leave the platform schemas out (extensions, graphql, vault, realtime, …), yet
// the archive still holds `CREATE EXTENSION … WITH SCHEMA extensions`, policies naming the API
// roles (anon, authenticated, service_role) and event triggers calling functions in those
// schemas. Owners and grants are never restored into the scratch database (--no-owner
// --no-privileges); this decides, entry by entry of `pg_restore --list`, what else the scratch
// server cannot hold, so that verification proves the data and says exactly what it left out.
// Nothing is left out silently: every skipped entry comes back with its reason.

/** What the scratch server has (sql/backup/db/scratch-facts.sql). */
export interface ScratchFacts {
  roles: ReadonlySet<string>;
  /** Extensions the server can create (pg_available_extensions). */
  extensions: ReadonlySet<string>;
  /** Schemas the fresh scratch database already has (public, and whatever template1 holds). */
  schemas: ReadonlySet<string>;
  /** Event triggers need a superuser. */
  superuser: boolean;
}

export interface SkippedEntry {
  /** The archive entry as `pg_restore --list` printed it (its TOC line). */
  entry: string;
  /** What it is, e.g. "policy \"Members read\" on public.leads". */
  what: string;
  why: string;
}

export interface ScratchPlan {
  /** TOC lines to restore, in archive order (for --use-list). */
  list: string[];
  /** Schemas to create in the scratch database first: extensions go there, the dump does not create them. */
  createSchemas: string[];
  skipped: SkippedEntry[];
}

interface TocEntry {
  line: string;
  kind: string;
  schema: string;
  tag: string;
}

// Types whose definitions we read to decide; everything else is restored as is.
const DECIDED = ['EXTENSION', 'POLICY', 'EVENT TRIGGER', 'TRIGGER'] as const;
// Multi-word types first, so "EVENT TRIGGER" is not read as "EVENT".
const KINDS = ['EVENT TRIGGER', 'TABLE DATA', 'SEQUENCE SET', 'SEQUENCE OWNED BY', 'FK CONSTRAINT', 'ROW SECURITY', 'DEFAULT ACL', 'MATERIALIZED VIEW DATA', 'MATERIALIZED VIEW', 'EXTENSION', 'POLICY', 'TRIGGER', 'COMMENT', 'SCHEMA', 'FUNCTION', 'PROCEDURE'];
const ENTRY = /^\d+; \d+ \d+ (.*)$/;

/** Parses a TOC line into its type, schema and tag (the owner, last word, dropped). */
export function tocEntry(line: string): TocEntry | undefined {
  const rest = ENTRY.exec(line)?.[1];
  if (rest === undefined) return undefined;
  const kind = KINDS.find((k) => rest.startsWith(`${k} `)) ?? rest.split(' ')[0]!;
  const words = rest.slice(kind.length + 1).split(' ');
  return { line, kind, schema: words[0] ?? '', tag: words.slice(1, -1).join(' ') };
}

/** The TOC lines whose definitions `planScratchRestore` needs (render them with pg_restore --use-list --file=-). */
export function entriesToRender(toc: readonly string[]): string[] {
  return toc.filter((l) => {
    const e = tocEntry(l);
    return e !== undefined && (DECIDED as readonly string[]).includes(e.kind);
  });
}

const HEADER = /^-- Name: (.*); Type: (.*); Schema: (.*); Owner: .*$/;

/** Splits a pg_restore script into its entries' SQL, keyed "TYPE|schema|name" as the TOC names them. */
export function splitDefinitions(script: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (key !== undefined) out.set(key, body.join('\n').trim());
  };
  for (const line of script.split('\n')) {
    const m = HEADER.exec(line);
    if (m) {
      flush();
      key = `${m[2]}|${m[3]}|${m[1]}`;
      body = [];
    } else if (key !== undefined && !line.startsWith('--') && !/^\\(un)?restrict /.test(line)) {
      body.push(line);
    }
  }
  flush();
  return out;
}

/** Reads one identifier (plain or "quoted") at `i`; returns it unquoted and where it ends. */
function ident(s: string, i: number): { name: string; end: number } | undefined {
  if (s[i] === '"') {
    let name = '';
    let j = i + 1;
    while (j < s.length) {
      if (s[j] === '"') {
        if (s[j + 1] === '"') {
          name += '"';
          j += 2;
          continue;
        }
        return { name, end: j + 1 };
      }
      name += s[j];
      j++;
    }
    return undefined;
  }
  const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(s.slice(i));
  return m ? { name: m[0], end: i + m[0].length } : undefined;
}

/** Reads `a.b` or `a` at `i`. */
function qualifiedName(s: string, i: number): { schema?: string; name: string; end: number } | undefined {
  const first = ident(s, i);
  if (!first) return undefined;
  if (s[first.end] !== '.') return first;
  const second = ident(s, first.end + 1);
  return second ? { schema: first.name, name: second.name, end: second.end } : undefined;
}

/** `CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA s;` → s. */
export function extensionSchema(sql: string): string | undefined {
  const at = sql.search(/ WITH SCHEMA /);
  return at < 0 ? undefined : ident(sql, at + ' WITH SCHEMA '.length)?.name;
}

/** The roles of `CREATE POLICY p ON t [AS …] [FOR …] TO r1, r2 …` (empty: PUBLIC). */
export function policyRoles(sql: string): string[] {
  const head = /^CREATE POLICY /.exec(sql);
  if (!head) return [];
  const name = ident(sql, head[0].length);
  if (!name || !sql.startsWith(' ON ', name.end)) return [];
  const table = qualifiedName(sql, name.end + 4);
  if (!table) return [];
  const rest = sql.slice(table.end);
  const to = /^(?: AS (?:PERMISSIVE|RESTRICTIVE))?(?: FOR (?:ALL|SELECT|INSERT|UPDATE|DELETE))? TO /.exec(rest);
  if (!to) return [];
  const roles: string[] = [];
  let i = to[0].length;
  for (;;) {
    const r = ident(rest, i);
    if (!r) break;
    roles.push(r.name);
    if (!rest.startsWith(', ', r.end)) break;
    i = r.end + 2;
  }
  return roles;
}

/** The function a trigger or event trigger runs: `EXECUTE FUNCTION s.f(` → { schema, name }. */
export function triggerFunction(sql: string): { schema: string | undefined; name: string } | undefined {
  const at = sql.search(/EXECUTE (?:FUNCTION|PROCEDURE) /);
  if (at < 0) return undefined;
  const start = sql.indexOf(' ', sql.indexOf(' ', at) + 1) + 1;
  const f = qualifiedName(sql, start);
  return f ? { schema: f.schema, name: f.name } : undefined;
}

// Role names that are keywords in a role list, not roles.
const PSEUDO_ROLES = new Set(['public', 'current_user', 'current_role', 'session_user']);

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Decides what a verification restores. `definitions` is the pg_restore script of
 * `entriesToRender(toc)`. Entries it cannot judge (no definition found) are restored as is,
 * so a surprise fails the verification loudly rather than being skipped.
 */
export function planScratchRestore(toc: readonly string[], definitions: string, facts: ScratchFacts): ScratchPlan {
  const entries = toc.map(tocEntry).filter((e): e is TocEntry => e !== undefined);
  const defs = splitDefinitions(definitions);
  const dumpedSchemas = new Set(entries.filter((e) => e.kind === 'SCHEMA').map((e) => e.tag));
  // "schema.name" of every function in the archive (tags read "name(args)").
  const dumpedFunctions = new Set(entries.filter((e) => e.kind === 'FUNCTION' || e.kind === 'PROCEDURE').map((e) => `${e.schema}.${e.tag.replace(/\(.*$/, '')}`));
  const skipped: SkippedEntry[] = [];
  const skippedComments = new Set<string>();
  const createSchemas = new Set<string>();
  const skip = (e: TocEntry, what: string, why: string, commentTags: string[]) => {
    skipped.push({ entry: e.line, what, why });
    for (const t of commentTags) skippedComments.add(`${e.schema}|${t}`);
  };
  const missingFunction = (f: { schema: string | undefined; name: string }) =>
    f.schema !== undefined && f.schema !== 'pg_catalog' && !dumpedFunctions.has(`${f.schema}.${f.name}`) && !dumpedSchemas.has(f.schema) && !facts.schemas.has(f.schema);

  for (const e of entries) {
    const sql = defs.get(`${e.kind}|${e.schema}|${e.tag}`);
    if (sql === undefined) continue;
    if (e.kind === 'EXTENSION') {
      if (!facts.extensions.has(e.tag)) {
        skip(e, `extension ${e.tag}`, 'the verify server does not have it (install it there, or verify on the supabase/postgres image)', [`EXTENSION ${e.tag}`, `EXTENSION ${quoted(e.tag)}`]);
        continue;
      }
      const schema = extensionSchema(sql);
      if (schema && !dumpedSchemas.has(schema) && !facts.schemas.has(schema)) createSchemas.add(schema);
    } else if (e.kind === 'POLICY') {
      const missing = policyRoles(sql).filter((r) => !PSEUDO_ROLES.has(r.toLowerCase()) && !facts.roles.has(r));
      if (missing.length) {
        const [table, ...rest] = e.tag.split(' ');
        const policy = rest.join(' ');
        skip(e, `policy "${policy}" on ${e.schema}.${table}`, `it names role${missing.length === 1 ? '' : 's'} ${missing.join(', ')} that the verify server does not have`, [
          `POLICY ${policy} ON ${table}`,
          `POLICY ${quoted(policy)} ON ${table}`,
          `POLICY ${quoted(policy)} ON ${quoted(table ?? '')}`,
        ]);
      }
    } else if (e.kind === 'EVENT TRIGGER') {
      const f = triggerFunction(sql);
      if (!facts.superuser) skip(e, `event trigger ${e.tag}`, 'creating event triggers needs a superuser on the verify server', [`EVENT TRIGGER ${e.tag}`, `EVENT TRIGGER ${quoted(e.tag)}`]);
      else if (f && missingFunction(f)) {
        skip(e, `event trigger ${e.tag}`, `it runs ${f.schema}.${f.name}(), which lives in a schema backups leave out`, [`EVENT TRIGGER ${e.tag}`, `EVENT TRIGGER ${quoted(e.tag)}`]);
      }
    } else if (e.kind === 'TRIGGER') {
      const f = triggerFunction(sql);
      if (f && missingFunction(f)) {
        const [table, ...rest] = e.tag.split(' ');
        const trigger = rest.join(' ');
        skip(e, `trigger ${trigger} on ${e.schema}.${table}`, `it runs ${f.schema}.${f.name}(), which lives in a schema backups leave out`, [
          `TRIGGER ${trigger} ON ${table}`,
          `TRIGGER ${quoted(trigger)} ON ${table}`,
        ]);
      }
    }
  }
  const skippedLines = new Set(skipped.map((s) => s.entry));
  for (const e of entries) {
    if (e.kind === 'COMMENT' && skippedComments.has(`${e.schema}|${e.tag}`)) {
      skipped.push({ entry: e.line, what: `comment on ${e.tag}`, why: 'its object was left out' });
      skippedLines.add(e.line);
    }
  }
  return { list: toc.filter((l) => !skippedLines.has(l)), createSchemas: [...createSchemas], skipped };
}

/** "3 items left out: …" for the restore check's detail. */
export function skippedText(skipped: readonly SkippedEntry[], max = 8): string {
  if (!skipped.length) return '';
  const shown = skipped.slice(0, max).map((s) => `${s.what} (${s.why})`);
  return `left out ${skipped.length} item${skipped.length === 1 ? '' : 's'} the scratch server cannot hold: ${shown.join('; ')}${skipped.length > max ? `; and ${skipped.length - max} more` : ''}`;
}
