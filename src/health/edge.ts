// Edge function: the runbook's test message to functions/v1/<name>, classified by what the
// response means for users of the AI chat (rate limit, AI credits, server error, slowness).
import type { Clock } from '../core/clock.js';
import { formatMs } from '../core/format.js';
import { describeFetchError } from './frontend.js';
import { probe } from './probe.js';
import type { Sleep } from '../core/retry.js';
import type { CheckContext, HealthCheck, HealthItem } from './types.js';
import type { EdgeMetricsSource } from './edge-metrics.js';
import { edgeMetricsItems, type EdgeMetricsThresholds } from './edge-metrics-items.js';

export interface EdgeCheckOptions {
  supabaseUrl: string;
  anonKey: string;
  functionName: string;
  fetch: typeof fetch;
  clock: Clock;
  latencyWarnMs: number;
  latencyCriticalMs: number;
  /** Waits before the one retry after a network error (tests: at once). */
  sleep?: Sleep;
  /** Invocations, error rate, P95, 429s and 402s from the function logs, when the Management API is configured. */
  metrics?: { source: EdgeMetricsSource; thresholds: EdgeMetricsThresholds };
}

/** The runbook's probe: a short chat message the function answers with JSON. */
export const EDGE_PROBE_BODY = { messages: [{ role: 'user', content: 'Health check from opsbot: reply with OK.' }] };

export function edgeCheck(o: EdgeCheckOptions): HealthCheck {
  const url = `${o.supabaseUrl}/functions/v1/${o.functionName}`;
  return {
    component: 'edge',
    title: `Edge function ${o.functionName}`,
    async run(ctx) {
      // The logs are read beside the probe; the probe's items come first.
      const metrics = o.metrics ? edgeMetricsItems(o.metrics.source, o.metrics.thresholds, ctx) : Promise.resolve([]);
      metrics.catch(() => undefined); // awaited below; a probe failure must not leave it unhandled
      const probed = await probeItems(o, url, ctx);
      return [...probed, ...(await metrics)];
    },
  };
}

async function probeItems(o: EdgeCheckOptions, url: string, ctx: CheckContext): Promise<HealthItem[]> {
  const { signal } = ctx;
  let res: Response;
  let body: string;
  let ms: number;
  try {
    ({ res, body, ms } = await probe(
      o,
      ctx,
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${o.anonKey}`, apikey: o.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify(EDGE_PROBE_BODY),
      },
      true,
    ));
  } catch (err) {
    if (signal.aborted) throw err;
    return [
      {
        key: 'response',
        label: 'Probe',
        status: 'critical',
        value: `unreachable (${describeFetchError(err)})`,
        threshold: '200 with a JSON message',
        advice: 'The function does not answer: check the Supabase status page and that the function is deployed (`supabase functions list`).',
      },
    ];
  }
  const items: HealthItem[] = [classify(res.status, body)];
  const status = ms >= o.latencyCriticalMs ? 'critical' : ms >= o.latencyWarnMs ? 'warn' : 'ok';
  items.push({
    key: 'latency',
    label: 'Latency',
    status,
    value: formatMs(ms),
    threshold: `warn ≥ ${formatMs(o.latencyWarnMs)}, critical ≥ ${formatMs(o.latencyCriticalMs)}`,
    ...(status !== 'ok'
      ? { advice: 'Slow AI responses: check the AI gateway status and the function logs for slow upstream calls; consider a faster model.' }
      : {}),
    data: { ms: Math.round(ms) },
  });
  return items;
}

function classify(status: number, body: string): HealthItem {
  const base = { key: 'response', label: 'Probe', threshold: '200 with a JSON message', data: { status } };
  if (status === 200) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    if (json !== null && typeof json === 'object') return { ...base, status: 'ok', value: '200, JSON reply' };
    return {
      ...base,
      status: 'warn',
      value: '200 but the reply is not JSON',
      advice: 'The function answered without a JSON message: check its logs for errors swallowed into a plain-text reply.',
    };
  }
  if (status === 429) {
    return {
      ...base,
      status: 'warn',
      value: '429 rate limited',
      advice: 'The AI gateway is rate limiting: wait and retry, reduce request volume, or raise the plan limit.',
    };
  }
  if (status === 402) {
    return {
      ...base,
      status: 'critical',
      value: '402 AI credits exhausted',
      advice: 'AI credits are used up: top up credits in the AI gateway workspace; the chat fails for every user until then.',
    };
  }
  if (status >= 500) {
    return {
      ...base,
      status: 'critical',
      value: `${status} server error`,
      advice: 'The function fails: read its logs (`/logs summarize edge`), check the secrets it needs (e.g. LOVABLE_API_KEY) and redeploy the last good version.',
    };
  }
  if (status === 401 || status === 403) {
    return {
      ...base,
      status: 'critical',
      value: `${status} unauthorized`,
      advice: 'The probe was refused: check SUPABASE_ANON_KEY and the function’s JWT verification setting.',
    };
  }
  if (status === 404) {
    return {
      ...base,
      status: 'critical',
      value: '404 not found',
      advice: 'The function is not deployed under this name: check EDGE_FUNCTION_NAME and `supabase functions list`.',
    };
  }
  return { ...base, status: 'critical', value: `${status} unexpected`, advice: 'Unexpected status: read the function logs.' };
}
