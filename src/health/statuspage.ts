// The Supabase status page as /health outage reads it: status.supabase.com is a Statuspage site,
// whose /api/v2/summary.json lists the page's overall indicator, every component with its status,
// the unresolved incidents and the scheduled maintenances. With the project's region set, what
// names another region is listed apart, so an outage in eu-west-2 does not page us-east-1.
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Sleep } from '../core/retry.js';
import { describeFetchError } from './frontend.js';
import type { OutageCheck } from './outage-types.js';
import { probe } from './probe.js';
import type { HealthItem, Status } from './types.js';

// Lenient: only the fields we read (Statuspage adds fields over time).
const Component = z.object({ name: z.string(), status: z.string(), group: z.boolean().optional(), components: z.array(z.unknown()).optional() });
const Incident = z.object({
  name: z.string(),
  status: z.string(),
  impact: z.string().optional(),
  shortlink: z.string().optional(),
  updated_at: z.string().nullable().optional(),
  components: z.array(z.object({ name: z.string() })).optional(),
  incident_updates: z.array(z.object({ body: z.string().optional() })).optional(),
});
const Summary = z.object({
  status: z.object({ indicator: z.string(), description: z.string() }),
  components: z.array(Component).default([]),
  incidents: z.array(Incident).default([]),
  scheduled_maintenances: z.array(Incident).default([]),
});
type Summary = z.infer<typeof Summary>;
type IncidentRow = z.infer<typeof Incident>;

const COMPONENT_STATUS: Record<string, Status> = {
  operational: 'ok',
  degraded_performance: 'warn',
  under_maintenance: 'warn',
  partial_outage: 'critical',
  major_outage: 'critical',
};
const INDICATOR: Record<string, Status> = { none: 'ok', minor: 'warn', maintenance: 'warn', major: 'critical', critical: 'critical' };
const IMPACT: Record<string, Status> = { none: 'warn', minor: 'warn', maintenance: 'warn', major: 'critical', critical: 'critical' };
const REGION = /\b[a-z]{2}-[a-z]+-\d\b/gi;

export interface StatusPageCheckOptions {
  /** STATUS_PAGE_URL, without a trailing slash. */
  baseUrl: string;
  /** SUPABASE_REGION, e.g. us-east-1; undefined: every region counts. */
  region: string | undefined;
  fetch: typeof fetch;
  clock: Clock;
  sleep?: Sleep;
}

/** Where an entry stands relative to our region: ours, another region's, or not region-specific. */
export type RegionScope = 'ours' | 'other' | 'global';

/** The scope of text naming components or incidents: which regions it mentions. */
export function regionScope(texts: readonly string[], region: string | undefined): RegionScope {
  if (!region) return 'ours';
  const named = texts.flatMap((t) => t.match(REGION) ?? []).map((r) => r.toLowerCase());
  if (named.includes(region.toLowerCase())) return 'ours';
  return named.length > 0 ? 'other' : 'global';
}

function incidentTexts(i: IncidentRow): string[] {
  return [i.name, ...(i.components ?? []).map((c) => c.name), ...(i.incident_updates ?? []).slice(0, 1).map((u) => u.body ?? '')];
}

function incidentLine(i: IncidentRow): string {
  return `${i.name} (${i.status}${i.impact ? `, impact ${i.impact}` : ''})${i.shortlink ? ` ${i.shortlink}` : ''}`;
}

/** What the page says, as health items: the overall indicator, components, incidents, maintenance. */
export function statusPageItems(summary: Summary, region: string | undefined, pageUrl: string): HealthItem[] {
  const where = region ? ` (region ${region})` : '';
  const overall = INDICATOR[summary.status.indicator] ?? 'unknown';
  const items: HealthItem[] = [
    {
      key: 'indicator',
      label: 'Status page',
      status: region ? 'ok' : overall,
      // With a region, the overall indicator is context: an incident elsewhere turns it yellow.
      informational: Boolean(region),
      value: summary.status.description,
      threshold: 'All Systems Operational',
      ...(overall !== 'ok' && !region ? { advice: `Read ${pageUrl}: Supabase reports a problem.` } : {}),
      data: { indicator: summary.status.indicator, description: summary.status.description },
    },
  ];

  // Groups list their children separately in `components`, so the flat list is enough.
  const down = summary.components.filter((c) => c.group !== true && c.status !== 'operational');
  const oursDown = down.filter((c) => regionScope([c.name], region) !== 'other');
  const elsewhere = down.length - oursDown.length;
  const componentStatus = oursDown.reduce<Status>((w, c) => {
    const s = COMPONENT_STATUS[c.status] ?? 'unknown';
    return rank(s) > rank(w) ? s : w;
  }, 'ok');
  items.push({
    key: 'components',
    label: 'Components',
    status: componentStatus,
    value:
      oursDown.length === 0
        ? `all operational${where}${elsewhere ? `; ${elsewhere} elsewhere not operational` : ''}`
        : `${oursDown.map((c) => `${c.name}: ${c.status.replace(/_/g, ' ')}`).join(', ')}${elsewhere ? `; ${elsewhere} more in other regions` : ''}`,
    threshold: 'operational',
    ...(componentStatus !== 'ok' ? { advice: `Supabase reports ${oursDown.map((c) => c.name).join(', ')} not operational: follow ${pageUrl}; what we see is likely theirs.` } : {}),
    data: { notOperational: down.map((c) => ({ name: c.name, status: c.status, scope: regionScope([c.name], region) })) },
  });

  const open = summary.incidents.filter((i) => i.status !== 'resolved' && i.status !== 'postmortem');
  const ours = open.filter((i) => regionScope(incidentTexts(i), region) !== 'other');
  const incidentStatus = ours.reduce<Status>((w, i) => {
    const s = IMPACT[i.impact ?? 'none'] ?? 'warn';
    return rank(s) > rank(w) ? s : w;
  }, 'ok');
  items.push({
    key: 'incidents',
    label: 'Open incidents',
    status: incidentStatus,
    value:
      ours.length === 0
        ? `none${region ? ` touching ${region}` : ''}${open.length > ours.length ? `; ${open.length - ours.length} in other regions` : ''}`
        : `${ours.map(incidentLine).join('; ')}${open.length > ours.length ? `; ${open.length - ours.length} more in other regions` : ''}`,
    threshold: 'none open',
    ...(incidentStatus !== 'ok'
      ? { advice: 'Supabase has an open incident that can explain this: link it in the incident channel, post a stakeholder update, and follow its updates rather than debugging our side first.' }
      : {}),
    data: { open: open.map((i) => ({ name: i.name, status: i.status, impact: i.impact ?? null, shortlink: i.shortlink ?? null, updatedAt: i.updated_at ?? null, scope: regionScope(incidentTexts(i), region) })) },
  });

  const maintenance = summary.scheduled_maintenances.filter((m) => m.status === 'in_progress' && regionScope(incidentTexts(m), region) !== 'other');
  if (maintenance.length > 0) {
    items.push({
      key: 'maintenance',
      label: 'Maintenance in progress',
      status: 'warn',
      value: maintenance.map(incidentLine).join('; '),
      threshold: 'none in progress',
      advice: 'Supabase maintenance is in progress: short interruptions are expected until it ends.',
      data: { inProgress: maintenance.map((m) => ({ name: m.name, shortlink: m.shortlink ?? null })) },
    });
  }
  return items;
}

const RANK: Record<Status, number> = { ok: 0, warn: 1, unknown: 2, critical: 3 };
const rank = (s: Status) => RANK[s];

function failed(value: string, advice: string, data: Record<string, unknown> = {}): HealthItem[] {
  // The status page failing to answer says nothing about our project: unknown, not critical.
  return [{ key: 'reachable', label: 'Status page', status: 'unknown', value, threshold: 'answers with its summary', advice, data }];
}

export function statusPageCheck(o: StatusPageCheckOptions): OutageCheck {
  const url = `${o.baseUrl}/api/v2/summary.json`;
  return {
    key: 'statuspage',
    title: 'Supabase status page',
    async run(ctx) {
      let res: Response;
      let body: string;
      try {
        ({ res, body } = await probe(o, ctx, url, { method: 'GET', headers: { accept: 'application/json' } }, true));
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        return failed(`unreachable (${describeFetchError(err)})`, `The bot cannot reach ${o.baseUrl}: open it in a browser or another network; check STATUS_PAGE_URL and the bot's outbound access.`);
      }
      if (res.status === 429) {
        const retry = res.headers.get('retry-after');
        return failed(`rate limited (HTTP 429${retry ? `, retry after ${retry} s` : ''})`, `The status page is throttling the bot: open ${o.baseUrl} in a browser, and try again in a minute.`, { status: 429 });
      }
      if (res.status === 404) return failed('no summary (HTTP 404)', `${url} does not exist: STATUS_PAGE_URL must be the base URL of a Statuspage site (default https://status.supabase.com).`, { status: 404 });
      if (res.status === 401 || res.status === 403) {
        return failed(`refused (HTTP ${res.status})`, `A public status page needs no key: STATUS_PAGE_URL (${o.baseUrl}) points at something else, or a proxy refuses the bot.`, { status: res.status });
      }
      if (res.status !== 200) {
        return failed(`HTTP ${res.status}`, `The status page itself is failing, which can accompany a wide outage: open ${o.baseUrl} in a browser and check Supabase's announcements.`, { status: res.status });
      }
      let parsed: Summary;
      try {
        const r = Summary.safeParse(JSON.parse(body));
        if (!r.success) throw new Error('shape');
        parsed = r.data;
      } catch {
        return failed('answered, but not with a Statuspage summary', `STATUS_PAGE_URL (${o.baseUrl}) must be a Statuspage site serving /api/v2/summary.json.`, { status: res.status });
      }
      return statusPageItems(parsed, o.region, o.baseUrl);
    },
  };
}
