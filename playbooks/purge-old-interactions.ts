// Runbook data retention: delete interactions older than N days in batches, each its own
// short transaction walking the primary key, so no statement holds locks for long.
// What the approver saw is pinned at preview time and is all a run may delete: the cutoff,
// the highest id in scope (the ceiling) and the count — rows added later get higher ids and
// are left alone, and a run never deletes more than the approved count. The recomputed
// preview uses the same pins; a different count or fingerprint (rows swapped) stops the run.
// A uuid id does not grow with time, so a ceiling would pin nothing: such a table is pinned
// by its exact ids instead (up to MAX_KEYS); any other id type is refused before approval.
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { formatCount } from '../src/core/format.js';
import { definePlaybook, type ReadContext, type Preview } from '../src/playbooks/types.js';
import { text, toNum, wholeNumber } from './_shared.js';

const DAY_MS = 86_400_000;
/** Most rows a uuid-keyed purge pins by id (the keys live in the request row). */
export const MAX_KEYS = 50_000;
const INTEGER_TYPES = ['smallint', 'integer', 'bigint'];

const params = z.object({ days: wholeNumber(1, 3650).default(90), batch: wholeNumber(100, 50_000).default(5000) }).strict();
type Params = z.infer<typeof params>;

const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : undefined);

async function idType(ctx: ReadContext): Promise<'integer' | 'uuid'> {
  const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/purge-old-interactions/id-type'));
  const type = text(rows[0]?.type);
  if (!type) throw new InputError('public.interactions has no id column here, so this purge cannot pin which rows are approved. Nothing was requested.');
  if (INTEGER_TYPES.includes(type)) return 'integer';
  if (type === 'uuid') return 'uuid';
  throw new InputError(
    `public.interactions.id is ${type}, neither an integer nor a uuid, so this purge cannot pin exactly which rows are approved; it refuses rather than delete rows nobody saw. Purge such a table with a reviewed migration.`,
  );
}

function summary(n: number, cutoff: Date, p: Params): string {
  return `${formatCount(n)} interaction${n === 1 ? '' : 's'} created before ${cutoff.toISOString().slice(0, 16).replace('T', ' ')} UTC (${p.days} days)`;
}

async function previewScope(ctx: ReadContext, p: Params, approved: Preview | undefined): Promise<Preview> {
  // Re-checks reuse the approved cutoff (and ceiling); a fresh preview pins new ones.
  const cutoff = approved?.pinned?.cutoff ? new Date(String(approved.pinned.cutoff)) : new Date(ctx.clock.now() - p.days * DAY_MS);
  const mode = approved?.pinned?.mode ?? (await idType(ctx));
  if (mode === 'uuid') {
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/purge-old-interactions/preview-uuid', [cutoff, MAX_KEYS + 1]));
    const r = rows[0] ?? {};
    const n = toNum(r.n);
    if (!approved && n > MAX_KEYS) {
      throw new InputError(
        `${formatCount(n)} interactions are older than ${p.days} days, but a purge of a table with uuid ids approves at most ${formatCount(MAX_KEYS)} exact ids. Request it with a larger \`days\` first (older rows, fewer of them), then again with a smaller one.`,
      );
    }
    const ids = (r.ids as string[] | undefined) ?? [];
    const approvedIds = new Set(approved?.keys ?? []);
    return {
      summary: summary(n, cutoff, p),
      count: n,
      items: n > 0 ? [`oldest from ${day(r.oldest) ?? '?'}`, `deleted by exact id in batches of ${p.batch}`] : [],
      keys: ids,
      pinned: { cutoff: cutoff.toISOString(), mode: 'uuid' },
      fingerprint: text(r.fingerprint, '0'),
      ...(approved ? { outside: n - ids.filter((id) => approvedIds.has(id)).length } : {}),
    };
  }
  const ceiling = approved?.pinned?.ceiling === undefined ? null : String(approved.pinned.ceiling);
  const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/purge-old-interactions/preview', [cutoff, ceiling]));
  const r = rows[0] ?? {};
  const n = toNum(r.n);
  return {
    summary: summary(n, cutoff, p),
    count: n,
    items: n > 0 ? [`oldest from ${day(r.oldest) ?? '?'}, ids up to ${text(r.ceiling, '?')}`, `deleted in batches of ${p.batch}`] : [],
    // The ceiling is the highest id the approver's rows have; none in scope pins 0 (and count 0).
    pinned: { cutoff: cutoff.toISOString(), mode: 'integer', ceiling: ceiling ?? text(r.ceiling, '0') },
    fingerprint: text(r.fingerprint, '0'),
    ...(approved ? { outside: toNum(r.outside) } : {}),
  };
}

export const purgeOldInteractions = definePlaybook({
  id: 'purge-old-interactions',
  title: 'Purge old interactions',
  description: 'Deletes interactions older than N days (default 90) in batches.',
  risk: 'destructive',
  approvals: 1,
  scope: 'count',
  effect: { noun: 'rows', verb: 'deleted' },
  params,
  paramHelp: { days: 'whole number of days to keep, 1–3650 (default 90)', batch: 'rows per batch, 100–50000 (default 5000)' },
  preview: (ctx, p, approved) => previewScope(ctx, p, approved),
  async run(ctx, p, approved) {
    const cutoff = new Date(String(approved.pinned?.cutoff));
    let deleted = 0;
    const steps: { step: string; rows: number; ms: number }[] = [];
    const batchDone = (n: number, t0: number) => {
      steps.push({ step: `batch ${steps.length + 1}`, rows: n, ms: Math.round(ctx.clock.monotonic() - t0) });
      if (n > 0) ctx.committed(n, `batch ${steps.length}`);
    };
    if (approved.pinned?.mode === 'uuid') {
      const keys = approved.keys ?? [];
      for (let i = 0; i < keys.length; i += p.batch) {
        const t0 = ctx.clock.monotonic();
        const { rows } = await ctx.admin.transaction('purge-old-interactions', (q) =>
          q('playbooks/purge-old-interactions/delete-keys', [cutoff, keys.slice(i, i + p.batch)]),
        );
        const n = toNum(rows[0]?.deleted);
        deleted += n;
        batchDone(n, t0);
        await ctx.heartbeat();
      }
    } else {
      const ceiling = String(approved.pinned?.ceiling ?? '0');
      let lastId: string | null = null;
      // Never more than was approved, whatever happens to the table meanwhile.
      while (deleted < approved.count) {
        const t0 = ctx.clock.monotonic();
        const size = Math.min(p.batch, approved.count - deleted);
        const { rows } = await ctx.admin.transaction('purge-old-interactions', (q) =>
          q('playbooks/purge-old-interactions/delete-batch', [cutoff, lastId, size, ceiling]),
        );
        const n = toNum(rows[0]?.deleted);
        batchDone(n, t0);
        if (n === 0) break;
        deleted += n;
        lastId = text(rows[0]?.last_id) || lastId;
        // A short batch does not end the run: rows gone meanwhile leave gaps below the ceiling.
        await ctx.heartbeat();
      }
    }
    // What matches the cutoff now but was not approved (added after the preview): left alone.
    const after = await previewScope(ctx, p, approved);
    const left = after.outside ?? 0;
    const gone = approved.count - deleted;
    return {
      rowsAffected: deleted,
      summary: `deleted ${formatCount(deleted)} of ${formatCount(approved.count)} approved interactions older than ${p.days} days in ${steps.filter((s) => s.rows > 0).length} batch(es)${gone > 0 ? ` (${formatCount(gone)} had already gone)` : ''}${left > 0 ? `; ${formatCount(left)} newer match(es) were not approved and were left alone` : ''}`,
      steps,
      detail: { cutoff: cutoff.toISOString(), ceiling: approved.pinned?.ceiling ?? null, leftAlone: left, longestBatchMs: Math.max(0, ...steps.map((s) => s.ms)) },
    };
  },
});
