// /db rls <user-uuid> <table> [where …] (runbook "RLS Policy Issues"): what one signed-in user
// sees of a table through Supabase's API, next to what is there. Inside the diagnostic's READ
// ONLY transaction — which this topic ends with ROLLBACK — it sets the user's JWT claims the way
// PostgREST does (request.jwt.claims, request.jwt.claim.sub/role), switches to the
// `authenticated` role with SET LOCAL ROLE, counts and samples the rows, and lists the table's
// policies. It ends by asking Postgres whether the transaction was ever given a transaction id:
// none means nothing was written. The table and the filter's columns are looked up in the
// catalog and used as the catalog's quoted names; the filter's values are $n parameters only.
import { formatCount } from '../core/format.js';
import type { Row } from '../db/target.js';
import { truncate } from '../slack/blocks.js';
import { failedSection, type FailedResult, plural, type RunContext, type TopicResult } from './common.js';
import { describeConditions, type RlsArgs, type RlsCondition } from './rls-args.js';
import type { TopicSpec } from './service.js';
import type { Finding, Section, Status } from './types.js';

/** Ids shown of the rows the user sees. */
export const RLS_SAMPLE = 10;
/** Characters of a policy expression shown. */
const POLICY_TEXT_MAX = 300;

interface TableRow extends Row {
  ident: string;
  kind: string;
  rls_enabled: boolean;
  rls_forced: boolean;
  owner: string;
  bypasses_rls: boolean;
  pk_columns: string[];
  authenticated_exists: boolean;
  may_set_authenticated: boolean | null;
  authenticated_can_select: boolean | null;
}

interface ColumnRow extends Row {
  name: string;
  ident: string;
  type: string;
}

interface PolicyRow extends Row {
  name: string;
  permissive: string;
  roles: string[];
  cmd: string;
  qual: string | null;
  with_check: string | null;
  for_authenticated: boolean;
}

const SQL_OPERATOR: Record<RlsCondition['op'], string> = {
  '=': '=',
  '!=': '<>',
  '<>': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  'is null': 'IS NULL',
  'is not null': 'IS NOT NULL',
};

const KIND_WORD: Record<string, string> = { v: 'a view', m: 'a materialized view', f: 'a foreign table', S: 'a sequence', i: 'an index', c: 'a composite type' };

/** The WHERE condition from catalog identifiers and $n placeholders, and its parameters. */
export function buildFilter(conditions: readonly RlsCondition[], columns: ReadonlyMap<string, ColumnRow>): { where: string; params: string[] } {
  const params: string[] = [];
  const parts = conditions.map((c) => {
    const col = columns.get(c.column);
    // The caller checked every column; a miss here is a bug, never a reason to use the typed text.
    if (!col) throw new Error(`unchecked column ${c.column}`);
    if (c.value === undefined) return `${col.ident} ${SQL_OPERATOR[c.op]}`;
    params.push(c.value);
    return `${col.ident} ${SQL_OPERATOR[c.op]} $${params.length}`;
  });
  return { where: parts.length ? parts.join(' AND ') : 'true', params };
}

/** The JWT payload GoTrue issues for a signed-in user, as far as the database knows it. */
export function userClaims(userId: string, user: Record<string, unknown> | undefined): Record<string, unknown> {
  return {
    sub: userId,
    role: 'authenticated',
    aud: 'authenticated',
    ...(user
      ? {
          email: user.email ?? '',
          phone: user.phone ?? '',
          app_metadata: user.app_metadata ?? {},
          user_metadata: user.user_metadata ?? {},
          is_anonymous: user.is_anonymous === true,
        }
      : {}),
    aal: 'aal1',
  };
}

function section(key: string, title: string, status: Status, summary: string, nextStep: string, findings: Finding[] = []): Section {
  return { key, title, status, summary, findings, omitted: 0, nextStep };
}

function policyFindings(policies: readonly PolicyRow[], ctx: RunContext): Finding[] {
  return policies.map((p) => {
    const facts = [p.permissive.toLowerCase(), `for ${p.cmd}`, `to ${p.roles.join(', ')}`];
    if (!p.for_authenticated) facts.push('does not apply to authenticated');
    if (p.with_check) facts.push(`with check: ${truncate(ctx.redact(p.with_check), POLICY_TEXT_MAX)}`);
    return {
      status: 'ok',
      title: p.name,
      facts,
      ...(p.qual ? { query: `using (${truncate(ctx.redact(p.qual), POLICY_TEXT_MAX)})` } : {}),
      data: { name: p.name, permissive: p.permissive, roles: p.roles, cmd: p.cmd, qual: p.qual, withCheck: p.with_check, forAuthenticated: p.for_authenticated },
    };
  });
}

/** The policies section: what decides which rows the user sees. */
function policiesSection(t: TableRow, policies: readonly PolicyRow[], ctx: RunContext): Section {
  const reading = policies.filter((p) => p.for_authenticated && (p.cmd === 'SELECT' || p.cmd === 'ALL'));
  const permissive = reading.filter((p) => p.permissive === 'PERMISSIVE');
  let status: Status = 'ok';
  let summary: string;
  let next = 'Compare the USING expressions with what the user should see; auth.uid() is the user id from the claims above.';
  if (!t.rls_enabled) {
    status = 'warn';
    summary = `Row-level security is OFF on ${t.ident}: every role with a grant reads every row${policies.length ? `; its ${plural(policies.length, 'policy', 'policies')} have no effect` : ''}.`;
    next = `If the table holds per-user data, turn RLS on (\`ALTER TABLE ${t.ident} ENABLE ROW LEVEL SECURITY\`) with a migration, after its policies are in place.`;
  } else if (permissive.length === 0) {
    status = 'warn';
    summary = `RLS is on and no permissive policy lets authenticated read (${plural(policies.length, 'policy', 'policies')} in all): signed-in users see no rows.`;
    next = 'Add a SELECT policy for authenticated (runbook "RLS Policy Issues"), e.g. `USING (user_id = auth.uid())`, through a migration.';
  } else {
    summary = `RLS is on${t.rls_forced ? ' (forced, also for the owner)' : ''}; ${plural(permissive.length, 'permissive policy', 'permissive policies')} and ${plural(reading.length - permissive.length, 'restrictive one')} decide what authenticated reads (${plural(policies.length, 'policy', 'policies')} in all).`;
  }
  return { ...section('policies', `Policies on ${t.ident}`, status, summary, next, policyFindings(policies, ctx)) };
}

/** A count that could not finish: a timeout says how to count less. */
function countFailed(r: FailedResult, ctx: RunContext): Section {
  const base = failedSection('visibility', 'Rows the user sees', r, ctx);
  if (r.reason !== 'timeout') return base;
  return { ...base, nextStep: 'Counting took longer than the statement timeout (a large table, or a costly policy): narrow it with a filter, e.g. `where created_at > \'2026-01-01\'`, and try again.' };
}

async function read(ctx: RunContext, a: RlsArgs): Promise<TopicResult> {
  const named = `${a.schema}.${a.table}`;
  const title = `RLS as user ${a.userId} on ${named}`;
  const done = (sections: Section[], notes: string[] = []): TopicResult => ({ title, notes, statsResetAt: null, sections });

  const tr = await ctx.tx.section<TableRow>('queries/db/rls-table', [a.schema, a.table]);
  if (!tr.ok) return done([failedSection('table', 'Table', tr, ctx)]);
  const t = tr.rows[0];
  if (!t) {
    return done([section('table', 'Table', 'unknown', `There is no table ${named} in ${ctx.facts.database}.`, 'Check the name (`schema.table`, default schema public); `/db tables` lists the largest tables.')]);
  }
  if (t.kind !== 'r' && t.kind !== 'p') {
    return done([
      section('table', 'Table', 'unknown', `${t.ident} is ${KIND_WORD[t.kind] ?? `not a table (relkind ${t.kind})`}, not a table.`, 'Row-level security is defined on tables: test the tables it reads from (a view reads them as its owner unless it is security_invoker).'),
    ]);
  }

  const cr = await ctx.tx.section<ColumnRow>('queries/db/rls-columns', [a.schema, a.table]);
  if (!cr.ok) return done([failedSection('table', 'Columns', cr, ctx)]);
  const columns = new Map(cr.rows.map((c) => [c.name, c]));
  const unknown = a.conditions.filter((c) => !columns.has(c.column)).map((c) => c.column);
  if (unknown.length) {
    const list = cr.rows.map((c) => c.name).join(', ');
    return done([
      section('filter', 'Filter', 'unknown', `${t.ident} has no column ${[...new Set(unknown)].join(', ')}. Its columns: ${truncate(list, 1500)}.`, 'Write the filter with one of those columns, e.g. `where status = \'new\'`.'),
    ]);
  }

  const pr = await ctx.tx.section<PolicyRow>('queries/db/rls-policies', [a.schema, a.table]);
  const policies = pr.ok ? policiesSection(t, pr.rows, ctx) : failedSection('policies', `Policies on ${t.ident}`, pr, ctx);

  if (!t.authenticated_exists || t.may_set_authenticated !== true) {
    const why = !t.authenticated_exists
      ? 'there is no role `authenticated` in this database (it is not a Supabase database, or the role was dropped)'
      : `the bot role ${ctx.facts.roleIdent} may not SET ROLE authenticated`;
    const next = !t.authenticated_exists ? 'Point DATABASE_URL at the Supabase project database.' : `Make the bot role a member: \`GRANT authenticated TO ${ctx.facts.roleIdent};\` (see sql/roles.sql).`;
    return done([section('visibility', 'Rows the user sees', 'unknown', `Cannot test as the user: ${why}.`, next), policies]);
  }

  const { where, params } = buildFilter(a.conditions, columns);
  const filterText = a.conditions.length ? describeConditions(a.conditions) : '';
  const scope = filterText ? ` where ${filterText}` : '';
  const fragments = { table: t.ident, where };

  const total = await ctx.tx.section<{ n: string }>('queries/db/rls-count', params, { fragments });
  if (!total.ok) {
    const bad = total.message.match(/invalid input syntax for type (\w[\w ]*)/);
    if (bad) {
      const types = [...new Set(a.conditions.map((c) => c.column))].map((c) => `${c} is ${columns.get(c)!.type}`).join(', ');
      return done([section('filter', 'Filter', 'unknown', `A value in the filter is not a valid ${bad[1]}: ${total.message}.`, `Write each value as its column's type expects (${types}).`), policies]);
    }
    return done([countFailed(total, ctx), policies]);
  }

  const ur = await ctx.tx.section<Record<string, unknown>>('queries/db/rls-user', [a.userId]);
  const user = ur.ok ? ur.rows[0] : undefined;
  const claims = userClaims(a.userId, user);
  const userNote = !ur.ok
    ? 'auth.users could not be read, so the claims carry only sub and role (policies reading email or metadata from auth.jwt() see none).'
    : !user
      ? `No user ${a.userId} in auth.users: the claims carry only sub and role, as a token for a deleted user would.`
      : undefined;

  await ctx.tx.query('queries/db/rls-claims', [JSON.stringify(claims), a.userId, 'authenticated', typeof claims.email === 'string' ? claims.email : '']);
  const role = await ctx.tx.section('queries/db/rls-set-role');
  if (!role.ok) return done([failedSection('visibility', 'Rows the user sees', role, ctx), policies]);

  const visible = await ctx.tx.section<{ n: string }>('queries/db/rls-count', params, { fragments });
  const pk = t.pk_columns;
  const sample =
    visible.ok && pk.length > 0
      ? await ctx.tx.section<{ id: string }>('queries/db/rls-sample', params, {
          fragments: { ...fragments, id: pk.length === 1 ? `${pk[0]}::text` : `concat_ws(', ', ${pk.map((c) => `${c}::text`).join(', ')})`, order: pk.join(', '), limit: String(RLS_SAMPLE) },
        })
      : undefined;
  const xid = (await ctx.tx.query<{ xid: string | null }>('queries/db/rls-xid'))[0]?.xid ?? null;

  const totalN = Number(total.rows[0]?.n ?? 0);
  const bypass = t.bypasses_rls ? '' : ` (as the bot role ${ctx.facts.roleIdent}, which does not bypass RLS, so this is what its own policies allow, not necessarily every row)`;
  const claimFacts = [`claims: sub ${a.userId}, role authenticated${typeof claims.email === 'string' && claims.email ? `, email ${claims.email}` : ''}`];
  const notes = [
    `Read-only transaction, rolled back; ${xid === null ? 'no transaction id was assigned: nothing was written' : `transaction id ${xid} was assigned`}.`,
    ...(userNote ? [userNote] : []),
  ];

  let vis: Section;
  if (!visible.ok) {
    if (visible.reason === 'permission') {
      vis = section(
        'visibility',
        'Rows the user sees',
        'critical',
        `authenticated has no SELECT privilege on ${t.ident}: the API answers this user (and every signed-in user) with "permission denied" (42501), before any policy is looked at. ${formatCount(totalN)} rows${scope} are there${bypass}.`,
        `Grant it with a migration: \`GRANT SELECT ON ${t.ident} TO authenticated;\`, then let the policies decide which rows.`,
        [{ status: 'critical', title: 'permission denied', facts: claimFacts, data: { visible: null, total: totalN, permissionDenied: true, filter: filterText || null, claims, xidAssigned: xid } }],
      );
    } else {
      vis = countFailed(visible, ctx);
    }
    return done([vis, policies], notes);
  }
  const visibleN = Number(visible.rows[0]?.n ?? 0);
  const ids = sample?.ok ? sample.rows.map((r) => r.id) : [];
  const sampleFact = pk.length === 0 ? 'no primary key, so no ids are shown' : visibleN === 0 ? 'no rows to show' : `ids: ${ids.join('; ')}${visibleN > ids.length ? ` (first ${ids.length} by key)` : ''}`;
  const status: Status = totalN > 0 && visibleN === 0 ? 'warn' : 'ok';
  vis = section(
    'visibility',
    'Rows the user sees',
    status,
    `User ${a.userId} sees ${formatCount(visibleN)} of ${formatCount(totalN)} rows of ${t.ident}${scope}${bypass}.`,
    totalN === 0
      ? `No rows of ${t.ident}${scope} to compare: widen or drop the filter, or check that the rows the user misses are in this table.`
      : status === 'warn'
      ? 'The user sees none of the rows: check the policies below against this user (their organization, their role in app_metadata), and whether the rows are theirs at all.'
      : visibleN < totalN
        ? 'The difference is what the policies hide from this user; if rows the user should see are missing, check the policies below.'
        : 'The user sees every row here; if that is more than they should, the policies below (or RLS being off) are why.',
    [{ status, title: visibleN === 0 ? 'no rows visible' : `${formatCount(visibleN)} visible`, facts: [sampleFact, ...claimFacts], data: { visible: visibleN, total: totalN, ids, filter: filterText || null, claims, bypassesRls: t.bypasses_rls, xidAssigned: xid } }],
  );
  return done([vis, policies], notes);
}

/** The topic `/db rls` runs: keyed by its arguments, rolled back at the end. */
export function rlsTopic(a: RlsArgs): TopicSpec {
  return {
    purpose: 'db-rls',
    command: `/db rls ${a.userId} ${a.schema}.${a.table}${a.conditions.length ? ` where ${describeConditions(a.conditions)}` : ''}`,
    key: `rls:${JSON.stringify(a)}`,
    rollback: true,
    read: (ctx) => read(ctx, a),
  };
}
