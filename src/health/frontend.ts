// Front end: HEAD APP_URL, expect 200, measure latency.
import type { Clock } from '../core/clock.js';
import { formatMs } from '../core/format.js';
import { probe } from './probe.js';
import type { Sleep } from '../core/retry.js';
import type { CheckContext, HealthCheck, HealthItem } from './types.js';
import { type CertificateReader, tlsExpiryItem, type TlsExpiryThresholds } from './tls.js';

export interface FrontendCheckOptions {
  appUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  latencyWarnMs: number;
  /** Waits before the one retry after a network error (tests: at once). */
  sleep?: Sleep;
  /** Days left on the TLS certificate of an https APP_URL. */
  tls?: { reader: CertificateReader; thresholds: TlsExpiryThresholds };
}

export function frontendCheck(o: FrontendCheckOptions): HealthCheck {
  return {
    component: 'frontend',
    title: 'Front end',
    async run(ctx) {
      // The certificate is read beside the HTTP probe, on its own connection.
      const tls = o.tls ? tlsExpiryItem(o.appUrl, o.tls.reader, o.tls.thresholds, o.clock, ctx).then((i) => [i]) : Promise.resolve([]);
      tls.catch(() => undefined); // awaited below
      const items = await httpItems(o, ctx);
      return [...items, ...(await tls)];
    },
  };
}

async function httpItems(o: FrontendCheckOptions, ctx: CheckContext): Promise<HealthItem[]> {
  const { signal } = ctx;
  let res: Response;
  let ms: number;
  try {
    ({ res, ms } = await probe(o, ctx, o.appUrl, { method: 'HEAD', redirect: 'follow' }, false));
  } catch (err) {
    if (signal.aborted) throw err;
    return [
      {
        key: 'http',
        label: 'HTTP',
        status: 'critical',
        value: `unreachable (${describeFetchError(err)})`,
        threshold: 'HTTP 200',
        advice: 'The app does not answer: check DNS, the hosting provider status and the latest deploy; roll back if a deploy broke it.',
      },
    ];
  }
  const items: HealthItem[] = [];
  items.push(
    res.status === 200
      ? { key: 'http', label: 'HTTP', status: 'ok', value: '200', threshold: 'HTTP 200', data: { status: res.status } }
      : {
          key: 'http',
          label: 'HTTP',
          status: 'critical',
          value: String(res.status),
          threshold: 'HTTP 200',
          advice:
            res.status >= 500
              ? 'The host answers with a server error: check the hosting provider and roll back the latest deploy if it caused this.'
              : 'Unexpected status: check the URL, redirects and access rules of the hosting provider.',
          data: { status: res.status },
        },
  );
  items.push({
    key: 'latency',
    label: 'Response time',
    status: ms >= o.latencyWarnMs ? 'warn' : 'ok',
    value: formatMs(ms),
    threshold: `< ${formatMs(o.latencyWarnMs)}`,
    ...(ms >= o.latencyWarnMs ? { advice: 'Slow front end: check the CDN and hosting status, and recent bundle size changes.' } : {}),
    data: { ms: Math.round(ms) },
  });
  return items;
}

export function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
