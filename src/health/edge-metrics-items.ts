// The edge functions' figures as /health edge items, beside the probe: invocations per function,
// error rate (runbook: < 1 %, critical > 5 %), P95 (runbook: < 2 s, warning > 3 s), 429s
// ("rate limits: watch for 429") and AI credit trouble (402 answers, credit warnings in the logs).
import { formatCount, formatMs, formatPct } from '../core/format.js';
import { EdgeMetricsError, type EdgeMetrics, type EdgeMetricsFailure, type EdgeMetricsSource } from './edge-metrics.js';
import type { CheckContext, HealthItem, Status } from './types.js';

export interface EdgeMetricsThresholds {
  errorRateWarnPct: number;
  errorRateCriticalPct: number;
  latencyWarnMs: number;
  latencyCriticalMs: number;
  windowMs: number;
}

/** The runbook's fix for low AI credits (and a 402 from the AI gateway). */
export const AI_CREDITS_ADVICE =
  'AI credits are low or used up: top up credits in the AI gateway workspace (the one LOVABLE_API_KEY belongs to); the chat fails with 402 for every user until then.';

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

function failureAdvice(f: EdgeMetricsFailure): string {
  switch (f) {
    case 'refused':
      return 'Create a Supabase access token with analytics:read, set SUPABASE_ACCESS_TOKEN, and check SUPABASE_PROJECT_REF.';
    case 'not_found':
      return 'Check SUPABASE_PROJECT_REF and SUPABASE_LOGS_ENDPOINT (…/analytics/endpoints/logs.all or …/logs).';
    case 'rate_limited':
      return 'The Management API limits requests per token: check less often (ALERTS_SCHEDULE) or use a token of its own for the bot.';
    default:
      return 'Read the function logs in the Supabase dashboard (Edge Functions → Logs) meanwhile; the next check tries again.';
  }
}

export async function edgeMetricsItems(source: EdgeMetricsSource, t: EdgeMetricsThresholds, ctx: CheckContext): Promise<HealthItem[]> {
  const rateThr = `warn ≥ ${t.errorRateWarnPct} %, critical > ${t.errorRateCriticalPct} % 5xx over ${minutes(t.windowMs)}`;
  let m: EdgeMetrics;
  try {
    m = await source.read(ctx);
  } catch (err) {
    if (!(err instanceof EdgeMetricsError)) throw err;
    return [{ key: 'error_rate', label: 'Error rate', status: 'unknown', value: err.userMessage, threshold: rateThr, advice: failureAdvice(err.failure), data: { failure: err.failure } }];
  }
  const span = `last ${minutes(m.window.end - m.window.start)}`;
  const sample = m.truncated ? ' (row cap reached: the oldest part of the window only)' : '';
  const perFn = m.functions.slice(0, 8).map((f) => `${f.name} ${formatCount(f.invocations)}${f.errors ? ` (${formatCount(f.errors)} 5xx)` : ''}`);
  const items: HealthItem[] = [
    {
      key: 'invocations',
      label: `Invocations (${span})`,
      status: 'ok',
      value: m.total.invocations === 0 ? 'none in the window' : `${formatCount(m.total.invocations)}: ${perFn.join(', ')}${m.functions.length > 8 ? ', …' : ''}${sample}`,
      threshold: 'information',
      informational: true,
      data: { total: m.total.invocations, functions: m.functions, truncated: m.truncated, windowStart: new Date(m.window.start).toISOString(), windowEnd: new Date(m.window.end).toISOString() },
    },
  ];

  const rate = m.total.errorRatePct;
  const rateStatus: Status = m.total.invocations === 0 ? 'ok' : rate > t.errorRateCriticalPct ? 'critical' : rate >= t.errorRateWarnPct ? 'warn' : 'ok';
  const worstFn = m.functions.filter((f) => f.errors > 0).sort((a, b) => b.errorRatePct - a.errorRatePct)[0];
  items.push({
    key: 'error_rate',
    label: `Error rate (${span})`,
    status: rateStatus,
    value:
      m.total.invocations === 0
        ? 'no invocations'
        : `${formatPct(rate, 2)} (${formatCount(m.total.errors)} of ${formatCount(m.total.invocations)} 5xx)${worstFn && m.functions.length > 1 ? `; worst ${worstFn.name} ${formatPct(worstFn.errorRatePct, 1)}` : ''}`,
    threshold: rateThr,
    ...(rateStatus !== 'ok'
      ? { advice: 'Functions are failing: read their logs (`/logs summarize edge`), check the secrets they need (e.g. LOVABLE_API_KEY) and redeploy the last good version.' }
      : {}),
    data: { pct: Number(rate.toFixed(3)), errors: m.total.errors, invocations: m.total.invocations },
  });

  const p95 = m.total.p95Ms;
  const p95Status: Status = p95 === undefined ? 'ok' : p95 >= t.latencyCriticalMs ? 'critical' : p95 >= t.latencyWarnMs ? 'warn' : 'ok';
  const slowest = m.functions.filter((f) => f.p95Ms !== undefined).sort((a, b) => b.p95Ms! - a.p95Ms!)[0];
  items.push({
    key: 'p95',
    label: `P95 execution time (${span})`,
    status: p95Status,
    value: p95 === undefined ? 'no timed invocations' : `${formatMs(p95)}${slowest && m.functions.length > 1 ? `; slowest ${slowest.name} ${formatMs(slowest.p95Ms!)}` : ''}`,
    threshold: `warn ≥ ${formatMs(t.latencyWarnMs)}, critical ≥ ${formatMs(t.latencyCriticalMs)}`,
    ...(p95Status !== 'ok' ? { advice: 'Slow functions: check the AI gateway status and the function logs for slow upstream calls; consider a faster model.' } : {}),
    data: { ...(p95 !== undefined ? { ms: Math.round(p95) } : {}), invocations: m.total.invocations },
  });

  const limited = m.total.rateLimited;
  items.push({
    key: 'rate_limits',
    label: `429 rate limited (${span})`,
    status: limited > 0 ? 'warn' : 'ok',
    value: limited === 0 ? 'none' : `${formatCount(limited)} of ${formatCount(m.total.invocations)} (${formatPct((limited / m.total.invocations) * 100, 1)})`,
    threshold: 'none (runbook: watch for 429)',
    ...(limited > 0 ? { advice: 'The AI gateway is rate limiting: wait and retry, reduce request volume (client-side backoff), or raise the plan limit.' } : {}),
    data: { count: limited, invocations: m.total.invocations },
  });

  const credits = m.total.paymentRequired;
  const creditTrouble = credits > 0 || m.creditWarnings > 0;
  items.push({
    key: 'ai_credits',
    label: `AI credits (${span})`,
    status: credits > 0 ? 'critical' : m.creditWarnings > 0 ? 'warn' : 'ok',
    value: creditTrouble
      ? [credits > 0 ? `${formatCount(credits)} × 402 Payment Required` : '', m.creditWarnings > 0 ? `${formatCount(m.creditWarnings)} credit warning${m.creditWarnings === 1 ? '' : 's'} in the logs${m.creditExample ? ` ("${m.creditExample.slice(0, 80)}")` : ''}` : '']
          .filter(Boolean)
          .join('; ')
      : 'no 402 and no credit warnings',
    threshold: 'no 402 answers, no credit warnings',
    ...(creditTrouble ? { advice: AI_CREDITS_ADVICE } : {}),
    data: { paymentRequired: credits, creditWarnings: m.creditWarnings },
  });
  return items;
}
