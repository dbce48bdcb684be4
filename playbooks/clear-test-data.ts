// Runbook "Clear Test Data": delete leads whose email is at a test domain, with their quotes
// and interactions, in small batches. The domain is validated as a host name, so it can only
// ever be a value in a parameterised query.
import { z } from 'zod';
import { definePlaybook } from '../src/playbooks/types.js';
import { toNum } from './_shared.js';

const BATCH = 500;

export const clearTestData = definePlaybook({
  id: 'clear-test-data',
  title: 'Clear test data',
  description: 'Deletes leads whose email is at a test domain (default test.com), with their quotes and interactions.',
  risk: 'destructive',
  approvals: 1,
  scope: 'count',
  params: z
    .object({
      domain: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^(?=.{3,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain name such as test.com')
        .default('test.com'),
    })
    .strict(),
  paramHelp: { domain: 'a domain name such as test.com (default test.com); subdomains are included' },
  async preview(ctx, p) {
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/clear-test-data/preview', [p.domain]));
    const r = rows[0] ?? {};
    const leads = toNum(r.leads);
    return {
      summary: `${leads} lead${leads === 1 ? '' : 's'} at ${p.domain} (with ${toNum(r.quotes)} quotes and ${toNum(r.interactions)} interactions)`,
      count: leads,
      items: (r.sample as string[] | undefined) ?? [],
      detail: { quotes: toNum(r.quotes), interactions: toNum(r.interactions) },
    };
  },
  async run(ctx, p, approved) {
    let leads = 0;
    let quotes = 0;
    let interactions = 0;
    const steps = [];
    // Never more than was approved, even if a batch races with new inserts.
    while (leads < approved.count) {
      const t0 = ctx.clock.monotonic();
      const size = Math.min(BATCH, approved.count - leads);
      const { rows } = await ctx.admin.transaction('clear-test-data', (q) => q('playbooks/clear-test-data/delete-batch', [p.domain, size]));
      const n = toNum(rows[0]?.leads);
      leads += n;
      quotes += toNum(rows[0]?.quotes);
      interactions += toNum(rows[0]?.interactions);
      steps.push({ step: `batch ${steps.length + 1}`, rows: n, ms: Math.round(ctx.clock.monotonic() - t0) });
      await ctx.heartbeat();
      if (n < size) break;
    }
    return {
      rowsAffected: leads,
      summary: `deleted ${leads} leads at ${p.domain}, ${quotes} quotes and ${interactions} interactions`,
      steps,
      detail: { quotes, interactions },
    };
  },
});
