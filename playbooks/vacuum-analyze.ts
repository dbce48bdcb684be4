// Runbook "Vacuum & Analyze": VACUUM (ANALYZE) named tables, which must exist. Runs outside a
// transaction (VACUUM cannot run inside one); table names come from the catalog, escaped as
// identifiers, never from the user's text. Scope "keys": each table is pinned by name and oid,
// so a table dropped, renamed or replaced by another of the same name since the preview stops
// the run before anything is vacuumed.
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { definePlaybook } from '../src/playbooks/types.js';
import { toNum } from './_shared.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;

export const vacuumAnalyze = definePlaybook({
  id: 'vacuum-analyze',
  title: 'VACUUM (ANALYZE) tables',
  description: 'Reclaims dead rows and refreshes planner statistics for the named tables.',
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'tables', verb: 'vacuumed' },
  params: z
    .object({
      tables: z
        .string()
        .trim()
        .transform((s) => [...new Set(s.split(',').map((t) => t.trim()).filter(Boolean))])
        .pipe(z.array(z.string().regex(NAME, 'table names such as public.leads')).min(1).max(20)),
    })
    .strict(),
  paramHelp: { tables: 'comma-separated table names, e.g. public.leads,public.interactions (up to 20)' },
  async preview(ctx, p) {
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/vacuum-analyze/preview', [p.tables]));
    const missing = rows.filter((r) => r.schema === null).map((r) => String(r.name));
    if (missing.length) throw new InputError(`No such table: ${missing.join(', ')}. Check the names with \`/db tables\`.`);
    return {
      summary: `VACUUM (ANALYZE) ${rows.length} table${rows.length === 1 ? '' : 's'}`,
      count: rows.length,
      items: rows.map((r) => `${String(r.schema)}.${String(r.table)}: ${toNum(r.dead_tuples)} dead / ${toNum(r.live_tuples)} live rows`),
      keys: [...new Set(rows.map((r) => `${String(r.schema)}.${String(r.table)}@${String(r.oid)}`))],
    };
  },
  async run(ctx, _p, approved) {
    const steps = [];
    for (const key of approved.keys ?? []) {
      // "schema.table@oid": the name is what VACUUM gets (escaped), the oid only pins identity.
      const table = key.slice(0, key.lastIndexOf('@') < 0 ? key.length : key.lastIndexOf('@'));
      const t0 = ctx.clock.monotonic();
      await ctx.admin.standalone('vacuum-analyze', 'playbooks/vacuum-analyze/vacuum', { table }, { statementTimeoutMs: 30 * 60_000, lockTimeoutMs: 5000 });
      steps.push({ step: table, rows: 1, ms: Math.round(ctx.clock.monotonic() - t0) });
      ctx.committed(1, table);
      await ctx.heartbeat();
    }
    return { rowsAffected: steps.length, summary: `vacuumed and analyzed ${steps.map((s) => s.step).join(', ')}`, steps };
  },
});
