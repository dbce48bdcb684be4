// Runbook "Index Optimization": create the runbook's recommended indexes with CREATE INDEX
// CONCURRENTLY (no lock that blocks writes), skipping any that exist, and reporting an invalid
// index left behind by a failed concurrent build instead of pretending it is fine.
import { z } from 'zod';
import { definePlaybook } from '../src/playbooks/types.js';

/** The runbook's indexes: name → SQL file. */
export const RECOMMENDED_INDEXES: Record<string, { file: string; on: string }> = {
  interactions_created_at_idx: { file: 'playbooks/create-recommended-indexes/interactions-created-at', on: 'public.interactions (created_at)' },
  leads_org_created_idx: { file: 'playbooks/create-recommended-indexes/leads-org-created', on: 'public.leads (organization_id, created_at DESC)' },
};

interface IndexStatus {
  name: string;
  exists: boolean;
  valid: boolean;
}

export const createRecommendedIndexes = definePlaybook({
  id: 'create-recommended-indexes',
  title: 'Create recommended indexes',
  description: "Creates the runbook's indexes with CREATE INDEX CONCURRENTLY, skipping any that exist.",
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  params: z.object({}).strict(),
  paramHelp: {},
  async preview(ctx) {
    const names = Object.keys(RECOMMENDED_INDEXES);
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query<IndexStatus & Record<string, unknown>>('playbooks/create-recommended-indexes/status', [names]));
    const toCreate = rows.filter((r) => !r.exists);
    const invalid = rows.filter((r) => r.exists && !r.valid);
    return {
      summary: `${toCreate.length} of ${names.length} recommended indexes to create${invalid.length ? `; ${invalid.length} invalid left by a failed build` : ''}`,
      count: toCreate.length,
      items: rows.map((r) => `${r.name} on ${RECOMMENDED_INDEXES[r.name]?.on ?? '?'}: ${!r.exists ? 'will be created' : r.valid ? 'exists' : `INVALID — drop it with DROP INDEX CONCURRENTLY public.${r.name}; then run this again`}`),
      keys: toCreate.map((r) => r.name),
    };
  },
  async run(ctx, _p, approved) {
    const steps = [];
    for (const name of approved.keys ?? []) {
      const spec = RECOMMENDED_INDEXES[name];
      if (!spec) continue;
      const t0 = ctx.clock.monotonic();
      await ctx.admin.standalone('create-index', spec.file, {}, { statementTimeoutMs: 60 * 60_000, lockTimeoutMs: 10_000 });
      steps.push({ step: name, rows: 1, ms: Math.round(ctx.clock.monotonic() - t0) });
      await ctx.heartbeat();
    }
    const after = await ctx.target.readOnly('playbook-check', (tx) =>
      tx.query<IndexStatus & Record<string, unknown>>('playbooks/create-recommended-indexes/status', [Object.keys(RECOMMENDED_INDEXES)]),
    );
    const invalid = after.filter((r) => r.exists && !r.valid).map((r) => r.name);
    return {
      rowsAffected: steps.length,
      summary: `created ${steps.length} index(es)${invalid.length ? `; INVALID: ${invalid.join(', ')} — drop with DROP INDEX CONCURRENTLY and retry` : ''}`,
      steps,
      detail: { invalid },
    };
  },
});
