// Runbook data retention: delete interactions older than N days in batches, each its own
// short transaction walking the primary key, so no statement holds locks for long. The cutoff
// is fixed when the preview is taken; rows that age past it later are left for next time.
import { z } from 'zod';
import { definePlaybook } from '../src/playbooks/types.js';
import { toNum, wholeNumber } from './_shared.js';

const DAY_MS = 86_400_000;

export const purgeOldInteractions = definePlaybook({
  id: 'purge-old-interactions',
  title: 'Purge old interactions',
  description: 'Deletes interactions older than N days (default 90) in batches.',
  risk: 'destructive',
  approvals: 1,
  scope: 'count',
  params: z.object({ days: wholeNumber(1, 3650).default(90), batch: wholeNumber(100, 50_000).default(5000) }).strict(),
  paramHelp: { days: 'whole number of days to keep, 1–3650 (default 90)', batch: 'rows per batch, 100–50000 (default 5000)' },
  async preview(ctx, p) {
    const cutoff = new Date(ctx.clock.now() - p.days * DAY_MS);
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/purge-old-interactions/preview', [cutoff]));
    const n = toNum(rows[0]?.n);
    const oldest = rows[0]?.oldest instanceof Date ? rows[0].oldest.toISOString().slice(0, 10) : undefined;
    return {
      summary: `${n} interaction${n === 1 ? '' : 's'} created before ${cutoff.toISOString().slice(0, 16).replace('T', ' ')} UTC (${p.days} days)`,
      count: n,
      items: n > 0 && oldest ? [`oldest from ${oldest}`, `deleted in batches of ${p.batch}`] : [],
      pinned: { cutoff: cutoff.toISOString() },
    };
  },
  async run(ctx, p, approved) {
    const cutoff = new Date(String(approved.pinned?.cutoff));
    let deleted = 0;
    let lastId = 0;
    const steps = [];
    for (;;) {
      const t0 = ctx.clock.monotonic();
      const { rows } = await ctx.admin.transaction('purge-old-interactions', (q) =>
        q('playbooks/purge-old-interactions/delete-batch', [cutoff, lastId, p.batch]),
      );
      const n = toNum(rows[0]?.deleted);
      steps.push({ step: `batch ${steps.length + 1}`, rows: n, ms: Math.round(ctx.clock.monotonic() - t0) });
      if (n === 0) break;
      deleted += n;
      lastId = toNum(rows[0]?.last_id);
      await ctx.heartbeat();
      if (n < p.batch) break;
    }
    return {
      rowsAffected: deleted,
      summary: `deleted ${deleted} interactions older than ${p.days} days in ${steps.filter((s) => s.rows > 0).length} batch(es)`,
      steps,
      detail: { cutoff: cutoff.toISOString(), longestBatchMs: Math.max(0, ...steps.map((s) => s.ms)) },
    };
  },
});
