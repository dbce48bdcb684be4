// Runbook "Index Optimization": create the runbook's recommended indexes with CREATE INDEX
// CONCURRENTLY (no lock that blocks writes). An index counts as present when the table has a
// valid index with the same definition under any name (columns, order, operator classes,
// predicate), not merely one with the same name; an INVALID index left by a failed concurrent
// build is reported with how to drop it, instead of being taken for the real thing.
import { z } from 'zod';
import { OpsError } from '../src/core/errors.js';
import type { SqlName } from '../src/core/sql.js';
import { definePlaybook, type ReadContext } from '../src/playbooks/types.js';
import { listedValues } from './listed-values.js';

export interface RecommendedIndex {
  /** The runbook's name for it. */
  name: string;
  /** Schema-qualified table. */
  table: string;
  /** Key columns in order; `desc` with the default NULLS FIRST of a descending column. */
  columns: { name: string; desc?: boolean }[];
  /** Partial index: `column IN (values)`. */
  where?: { column: string; in: string[] };
  /** The CREATE INDEX CONCURRENTLY statement. */
  file: SqlName;
  /** For people: what it is on. */
  on: string;
}

/** The runbook's indexes (its "Index Optimization" section). */
export const RECOMMENDED_INDEXES: readonly RecommendedIndex[] = [
  {
    name: 'idx_interactions_created_at',
    table: 'public.interactions',
    columns: [{ name: 'created_at' }],
    file: 'playbooks/create-recommended-indexes/interactions-created-at',
    on: 'public.interactions (created_at)',
  },
  {
    name: 'idx_leads_org_created',
    table: 'public.leads',
    columns: [{ name: 'organization_id' }, { name: 'created_at', desc: true }],
    file: 'playbooks/create-recommended-indexes/leads-org-created',
    on: 'public.leads (organization_id, created_at DESC)',
  },
  {
    name: 'idx_leads_status',
    table: 'public.leads',
    columns: [{ name: 'status' }],
    where: { column: 'status', in: ['new', 'contacted'] },
    file: 'playbooks/create-recommended-indexes/leads-status',
    on: "public.leads (status) WHERE status IN ('new', 'contacted')",
  },
];

/** One index of a table, as sql/playbooks/create-recommended-indexes/status.sql describes it. */
interface IndexRow extends Record<string, unknown> {
  table_name: string;
  table_exists: boolean;
  columns: string[] | null;
  index_name: string | null;
  method: string | null;
  key_columns: (string | null)[] | null;
  descending: boolean[] | null;
  nulls_first: boolean[] | null;
  default_ops: boolean;
  has_expressions: boolean | null;
  predicate: string | null;
  valid: boolean | null;
  definition: string | null;
}

interface NameRow extends Record<string, unknown> {
  name: string;
  relkind: string | null;
  on_table: string | null;
  definition: string | null;
}

/** Where one recommended index stands. */
export type IndexVerdict =
  | { kind: 'create' }
  | { kind: 'present'; as: string }
  | { kind: 'invalid'; definition: string }
  | { kind: 'taken'; by: string }
  | { kind: 'missing'; what: string };

export interface IndexStatus {
  spec: RecommendedIndex;
  verdict: IndexVerdict;
  /** INVALID indexes of the same definition under other names, left by failed builds. */
  leftovers: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v) => b.includes(v));

/** Whether an existing index has the recommended definition (extra INCLUDE columns or UNIQUE still serve). */
export function equivalent(spec: RecommendedIndex, row: IndexRow): boolean {
  if (row.method !== 'btree' || row.has_expressions === true || !row.default_ops) return false;
  const keys = row.key_columns ?? [];
  if (keys.length !== spec.columns.length) return false;
  const columnsMatch = spec.columns.every(
    (c, i) => keys[i] === c.name && row.descending?.[i] === (c.desc ?? false) && row.nulls_first?.[i] === (c.desc ?? false),
  );
  if (!columnsMatch) return false;
  if (!spec.where) return row.predicate === null;
  if (row.predicate === null) return false;
  const listed = listedValues(row.predicate, spec.where.column);
  return listed !== null && sameSet(listed, spec.where.in);
}

async function indexStatus(ctx: ReadContext, purpose: string): Promise<IndexStatus[]> {
  const tables = [...new Set(RECOMMENDED_INDEXES.map((s) => s.table))];
  const names = RECOMMENDED_INDEXES.map((s) => s.name);
  const { rows, taken } = await ctx.target.readOnly(purpose, async (tx) => ({
    rows: await tx.query<IndexRow>('playbooks/create-recommended-indexes/status', [tables]),
    taken: await tx.query<NameRow>('playbooks/create-recommended-indexes/names', [names]),
  }));
  return RECOMMENDED_INDEXES.map((spec): IndexStatus => {
    const ofTable = rows.filter((r) => r.table_name === spec.table);
    const table = ofTable[0];
    if (!table?.table_exists) return { spec, verdict: { kind: 'missing', what: `table ${spec.table} does not exist` }, leftovers: [] };
    const needed = [...spec.columns.map((c) => c.name), ...(spec.where ? [spec.where.column] : [])];
    const absent = needed.filter((c) => !(table.columns ?? []).includes(c));
    if (absent.length) return { spec, verdict: { kind: 'missing', what: `${spec.table} has no column ${absent.join(', ')}` }, leftovers: [] };
    const own = ofTable.find((r) => r.index_name === spec.name);
    const good = ofTable.find((r) => r.index_name !== null && r.valid === true && equivalent(spec, r));
    // Invalid indexes of this definition under other names, and an invalid one of ours.
    const leftovers = ofTable
      .filter((r) => r.index_name !== null && r.valid !== true && r.index_name !== spec.name && equivalent(spec, r))
      .map((r) => String(r.index_name));
    if (good) return { spec, verdict: { kind: 'present', as: String(good.index_name) }, leftovers: own && own.valid !== true ? [...leftovers, spec.name] : leftovers };
    const clash = taken.find((t) => t.name === spec.name && t.relkind !== null);
    if (!clash) return { spec, verdict: { kind: 'create' }, leftovers };
    if (own && own.valid !== true) return { spec, verdict: { kind: 'invalid', definition: String(own.definition) }, leftovers };
    const by = clash.definition ?? `a relation of kind ${String(clash.relkind)} (not an index)`;
    return { spec, verdict: { kind: 'taken', by }, leftovers };
  });
}

function describeStatus(s: IndexStatus): string {
  const v = s.verdict;
  const head = `${s.spec.name} on ${s.spec.on}: `;
  const leftovers = s.leftovers.map((n) => `; INVALID leftover ${n} of a failed build — drop it with DROP INDEX CONCURRENTLY public.${n}`).join('');
  switch (v.kind) {
    case 'create':
      return `${head}will be created${leftovers}`;
    case 'present':
      return `${head}${v.as === s.spec.name ? 'exists' : `exists as ${v.as} (same definition)`}${leftovers}`;
    case 'invalid':
      return `${head}INVALID — drop it with DROP INDEX CONCURRENTLY public.${s.spec.name}; then run this again (left by a failed CONCURRENTLY build, or one still running: ${v.definition})${leftovers}`;
    case 'taken':
      return `${head}not created: the name is taken by ${v.by}, which is not the runbook's index; rename or drop it, then run this again`;
    case 'missing':
      return `${head}cannot be created: ${v.what}`;
  }
}

/** Postgres refused the statement itself (timeout, lock, disk), as opposed to the connection failing. */
function statementRefused(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !/^57P0[1-4]$/.test(code);
}

export const createRecommendedIndexes = definePlaybook({
  id: 'create-recommended-indexes',
  title: 'Create recommended indexes',
  description:
    "Creates the runbook's indexes (interactions by created_at, leads by organization and newest, open leads by status) with CREATE INDEX CONCURRENTLY, skipping any whose definition is already present.",
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'indexes', verb: 'created' },
  params: z.object({}).strict(),
  paramHelp: {},
  async preview(ctx) {
    const status = await indexStatus(ctx, 'playbook-preview');
    const toCreate = status.filter((s) => s.verdict.kind === 'create');
    const problems = status.filter((s) => s.verdict.kind === 'invalid' || s.verdict.kind === 'taken' || s.verdict.kind === 'missing').length;
    const leftovers = status.reduce((n, s) => n + s.leftovers.length, 0);
    return {
      summary: `${toCreate.length} of ${status.length} recommended indexes to create${problems ? `; ${problems} need attention first` : ''}${leftovers ? `; ${leftovers} INVALID leftover(s) of failed builds` : ''}`,
      count: toCreate.length,
      items: status.map(describeStatus),
      keys: toCreate.map((s) => s.spec.name),
    };
  },
  async run(ctx, _p, approved) {
    const steps: { step: string; rows: number; ms: number; note?: string }[] = [];
    const approvedNames = approved.keys ?? [];
    // Looked at again right before building: someone may have created one since the approval.
    const now = await indexStatus(ctx, 'playbook-check');
    let created = 0;
    for (const s of now.filter((x) => approvedNames.includes(x.spec.name))) {
      if (s.verdict.kind !== 'create') {
        steps.push({ step: s.spec.name, rows: 0, ms: 0, note: `skipped: ${describeStatus(s)}` });
        continue;
      }
      const t0 = ctx.clock.monotonic();
      try {
        await ctx.admin.standalone('create-index', s.spec.file, {}, { statementTimeoutMs: 60 * 60_000, lockTimeoutMs: 10_000 });
      } catch (err) {
        if (!statementRefused(err)) throw err;
        throw new OpsError(
          err.code === '57014' || err.code === '55P03' ? 'timeout' : 'conflict',
          `Building ${s.spec.name} failed: ${err.message}. ${created} index(es) were created before it. A failed CONCURRENTLY build leaves an INVALID index: request create-recommended-indexes again to see it and how to drop it.`,
          { cause: err },
        );
      }
      created += 1;
      ctx.committed(1, s.spec.name);
      steps.push({ step: s.spec.name, rows: 1, ms: Math.round(ctx.clock.monotonic() - t0) });
      await ctx.heartbeat();
    }
    const after = await indexStatus(ctx, 'playbook-check');
    const invalid = after.filter((s) => s.verdict.kind === 'invalid').map((s) => s.spec.name);
    const leftovers = after.flatMap((s) => s.leftovers);
    const skipped = steps.filter((s) => s.rows === 0).map((s) => s.step);
    return {
      rowsAffected: created,
      summary: `created ${created} index(es)${skipped.length ? `; skipped ${skipped.join(', ')} (present or blocked since the approval)` : ''}${
        invalid.length || leftovers.length ? `; INVALID: ${[...invalid, ...leftovers].join(', ')} — drop with DROP INDEX CONCURRENTLY and retry` : ''
      }`,
      steps,
      detail: { invalid, leftovers, indexes: after.map(describeStatus) },
    };
  },
});
