// Days left on the front end's TLS certificate, read with node:tls from the host of APP_URL. The
// certificate is read even when it is not trusted (expired, wrong name, unknown issuer), because
// that is exactly when people need to see it; trust is reported beside the expiry.
import { connect, type ConnectionOptions } from 'node:tls';
import type { Clock } from '../core/clock.js';
import type { CheckContext, HealthItem, Status } from './types.js';

export interface PeerCertificate {
  /** Epoch ms of notAfter. */
  validTo: number;
  subject: string;
  issuer: string;
  /** Why the chain is not trusted, when it is not (e.g. CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT). */
  untrusted?: string;
}

/** Reads the certificate a TLS server presents for `servername`. */
export type CertificateReader = (target: { host: string; port: number; servername: string }, ctx: CheckContext) => Promise<PeerCertificate>;

/** node:tls reader; `ca` replaces the trusted roots (tests, private CAs). */
export function tlsCertificateReader(opts: { ca?: ConnectionOptions['ca'] } = {}): CertificateReader {
  return (target, ctx) =>
    new Promise((resolve, reject) => {
      const socket = connect({
        host: target.host,
        port: target.port,
        servername: target.servername,
        rejectUnauthorized: false,
        ...(opts.ca ? { ca: opts.ca } : {}),
      });
      const done = (err?: Error) => {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        if (err) reject(err);
      };
      const onAbort = () => done(Object.assign(new Error('TLS check aborted'), { name: 'AbortError' }));
      const timer = setTimeout(() => done(Object.assign(new Error(`no TLS handshake within ${ctx.timeoutMs} ms`), { code: 'ETIMEDOUT' })), ctx.timeoutMs);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (err: Error) => done(err));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        const authError = socket.authorizationError;
        const validTo = Date.parse(cert.valid_to ?? '');
        if (!cert.valid_to || !Number.isFinite(validTo)) {
          done(new Error('the server presented no certificate'));
          return;
        }
        const name = (n: unknown) => (n && typeof n === 'object' && 'CN' in n && typeof n.CN === 'string' ? n.CN : '');
        resolve({
          validTo,
          subject: name(cert.subject),
          issuer: name(cert.issuer) || (typeof cert.issuer?.O === 'string' ? cert.issuer.O : ''),
          ...(socket.authorized ? {} : { untrusted: typeof authError === 'string' ? authError : (authError?.message ?? 'not trusted') }),
        });
        done();
      });
    });
}

function describeSocketError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

export interface TlsExpiryThresholds {
  warnDays: number;
  criticalDays: number;
}

const RENEW_ADVICE =
  'Renew the certificate now (hosting provider / CDN dashboard, or the ACME client), check that automatic renewal works, and confirm the new one is served (`/health frontend`).';

/** The TLS certificate item of /health frontend. */
export async function tlsExpiryItem(appUrl: string, reader: CertificateReader, t: TlsExpiryThresholds, clock: Clock, ctx: CheckContext): Promise<HealthItem> {
  const threshold = `warn < ${t.warnDays} days, critical < ${t.criticalDays} days left`;
  const base = { key: 'tls_expiry', label: 'TLS certificate', threshold };
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    return { ...base, status: 'unknown', value: 'APP_URL is not a URL', informational: true };
  }
  if (url.protocol !== 'https:') {
    return { ...base, status: 'ok', value: `not checked: APP_URL is ${url.protocol}// (no certificate)`, threshold: 'information', informational: true };
  }
  let cert: PeerCertificate;
  try {
    cert = await reader({ host: url.hostname, port: url.port ? Number(url.port) : 443, servername: url.hostname }, ctx);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return {
      ...base,
      status: 'unknown',
      value: `could not read the certificate (${describeSocketError(err)})`,
      advice: 'Check that the host answers HTTPS on its port (DNS, firewall, CDN); browsers will fail the same way.',
    };
  }
  const days = Math.floor((cert.validTo - clock.now()) / 86_400_000);
  const expired = cert.validTo <= clock.now();
  let status: Status = expired || days < t.criticalDays ? 'critical' : days < t.warnDays ? 'warn' : 'ok';
  // An expired certificate is reported as such; any other trust problem is critical too: browsers refuse it.
  const trust = cert.untrusted && !/EXPIRED/i.test(cert.untrusted) ? cert.untrusted : undefined;
  if (trust) status = 'critical';
  const until = new Date(cert.validTo).toISOString().slice(0, 10);
  return {
    ...base,
    status,
    value: `${expired ? `expired on ${until}` : `${days} day${days === 1 ? '' : 's'} left (until ${until})`}${cert.issuer ? `, issued by ${cert.issuer}` : ''}${trust ? `; not trusted: ${trust}` : ''}`,
    ...(status !== 'ok'
      ? { advice: trust ? 'Browsers refuse this certificate: serve one for this host name from a trusted CA (check the CDN / hosting custom-domain settings).' : RENEW_ADVICE }
      : {}),
    data: { daysLeft: days, validTo: new Date(cert.validTo).toISOString(), issuer: cert.issuer, subject: cert.subject, trusted: !cert.untrusted },
  };
}
