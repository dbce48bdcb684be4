// Runbook "Clear Test Data": delete leads whose email is at a test domain, with their quotes
// and interactions, in small batches. The domain is validated as a host name, so it can only
// ever be a value in a parameterised query. The approved leads are pinned by id at preview
// time: a run deletes only those (and what hangs off them), and any lead added, swapped or gone
// since the preview stops it before anything is deleted (scope "keys").
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { formatCount } from '../src/core/format.js';
import { definePlaybook } from '../src/playbooks/types.js';
import { toNum } from './_shared.js';

const BATCH = 500;
/** Most leads one request pins by id (the ids live in the request row). */
export const MAX_LEADS = 50_000;

export const clearTestData = definePlaybook({
  id: 'clear-test-data',
  title: 'Clear test data',
  description: 'Deletes leads whose email is at a test domain (default test.com), with their quotes and interactions.',
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'leads', verb: 'deleted' },
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
  async preview(ctx, p, approved) {
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/clear-test-data/preview', [p.domain, MAX_LEADS + 1]));
    const r = rows[0] ?? {};
    const leads = toNum(r.leads);
    if (!approved && leads > MAX_LEADS) {
      throw new InputError(`${formatCount(leads)} leads are at ${p.domain}; one request approves at most ${formatCount(MAX_LEADS)} by id. Use a narrower domain (e.g. a subdomain) first.`);
    }
    return {
      summary: `${formatCount(leads)} lead${leads === 1 ? '' : 's'} at ${p.domain} (with ${toNum(r.quotes)} quotes and ${toNum(r.interactions)} interactions)`,
      count: leads,
      items: (r.sample as string[] | undefined) ?? [],
      keys: (r.ids as string[] | undefined) ?? [],
      detail: { quotes: toNum(r.quotes), interactions: toNum(r.interactions) },
    };
  },
  async run(ctx, p, approved) {
    const keys = approved.keys ?? [];
    let leads = 0;
    let quotes = 0;
    let interactions = 0;
    const steps: { step: string; rows: number; ms: number }[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const t0 = ctx.clock.monotonic();
      const { rows } = await ctx.admin.transaction('clear-test-data', (q) => q('playbooks/clear-test-data/delete-batch', [p.domain, keys.slice(i, i + BATCH)]));
      const n = toNum(rows[0]?.leads);
      leads += n;
      quotes += toNum(rows[0]?.quotes);
      interactions += toNum(rows[0]?.interactions);
      steps.push({ step: `batch ${steps.length + 1}`, rows: n, ms: Math.round(ctx.clock.monotonic() - t0) });
      ctx.committed(n, `batch ${steps.length}`);
      await ctx.heartbeat();
    }
    const gone = keys.length - leads;
    return {
      rowsAffected: leads,
      summary: `deleted ${formatCount(leads)} of ${formatCount(keys.length)} approved leads at ${p.domain}, ${quotes} quotes and ${interactions} interactions${gone > 0 ? ` (${formatCount(gone)} approved leads had gone or left the domain meanwhile and were not touched)` : ''}`,
      steps,
      detail: { quotes, interactions },
    };
  },
});
