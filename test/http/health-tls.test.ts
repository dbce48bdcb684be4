// /health frontend's TLS certificate expiry against a local TLS server whose self-signed
// certificate is generated when the test starts (openssl, into a temporary directory; no key is
// ever committed): days left against 14 / 7, expired, untrusted, wrong host name, an http
// APP_URL, a refused connection and a server that never finishes the handshake.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { frontendCheck } from '../../src/health/frontend.js';
import { tlsCertificateReader, tlsExpiryItem } from '../../src/health/tls.js';
import { fakeFetch } from '../support/unit-fetch.js';

let dir: string;
let cert: string;
let server: Server;
let port: number;
let validTo: number;
let silent: TcpServer;
let silentPort: number;
const sockets = new Set<{ destroy(): void }>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsbot-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30',
    '-subj', '/CN=localhost/O=Opsbot Test', '-addext', 'subjectAltName=DNS:localhost',
  ], { stdio: 'pipe' });
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  server = createServer({ cert, key }, (s) => s.end());
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  // notAfter as the server presents it, read back the way the check reads it.
  validTo = (await tlsCertificateReader({ ca: cert })({ host: '127.0.0.1', port, servername: 'localhost' }, { signal: new AbortController().signal, timeoutMs: 5000 })).validTo;
  silent = createTcpServer((s) => sockets.add(s)); // accepts, never speaks TLS
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  silentPort = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  await new Promise((r) => silent.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const T = { warnDays: 14, criticalDays: 7 };
const ctx = (timeoutMs = 5000) => ({ signal: new AbortController().signal, timeoutMs });
const DAY = 86_400_000;

// The test server listens on 127.0.0.1 but is named localhost: point the reader at it by port.
const trusted = () => {
  const read = tlsCertificateReader({ ca: cert });
  return (t: { host: string; port: number; servername: string }, c: ReturnType<typeof ctx>) => read({ ...t, host: '127.0.0.1' }, c);
};

describe('TLS certificate expiry', () => {
  it('the generated certificate is valid for 30 days', () => {
    expect(Math.round((validTo - Date.now()) / DAY)).toBe(30);
  });

  it.each([
    [20.5, 'ok', '20 days left'],
    [10.5, 'warn', '10 days left'],
    [3.2, 'critical', '3 days left'],
    [0.5, 'critical', '0 days left'],
  ])('%s days before notAfter: %s', async (daysBefore, status, value) => {
    const item = await tlsExpiryItem(`https://localhost:${port}/`, trusted(), T, fixedClock(validTo - daysBefore * DAY), ctx());
    expect(item).toMatchObject({ key: 'tls_expiry', status, data: { trusted: true, issuer: 'localhost' } });
    expect(item.value).toContain(value);
    expect(item.value).toContain(`until ${new Date(validTo).toISOString().slice(0, 10)}`);
    expect(item.threshold).toBe('warn < 14 days, critical < 7 days left');
    if (status !== 'ok') expect(item.advice).toMatch(/Renew the certificate/);
  });

  it('an expired certificate is critical and says so', async () => {
    const item = await tlsExpiryItem(`https://localhost:${port}/`, trusted(), T, fixedClock(validTo + 2 * DAY), ctx());
    expect(item.status).toBe('critical');
    expect(item.value).toMatch(/^expired on /);
  });

  it('a certificate browsers do not trust (self-signed, not in the roots) is critical with the reason', async () => {
    const item = await tlsExpiryItem(`https://localhost:${port}/`, (t, c) => tlsCertificateReader()({ ...t, host: '127.0.0.1' }, c), T, fixedClock(validTo - 20 * DAY), ctx());
    expect(item).toMatchObject({ status: 'critical', data: { trusted: false, daysLeft: 20 } });
    expect(item.value).toMatch(/not trusted: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED)/);
    expect(item.advice).toMatch(/trusted CA/);
  });

  it('a certificate for another host name is critical', async () => {
    const read = tlsCertificateReader({ ca: cert });
    const item = await tlsExpiryItem(`https://app.autorepai.example:${port}/`, (t, c) => read({ ...t, host: '127.0.0.1' }, c), T, fixedClock(validTo - 20 * DAY), ctx());
    expect(item.status).toBe('critical');
    expect(item.value).toMatch(/not trusted: ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('an http APP_URL has no certificate: informational, not a failure', async () => {
    const item = await tlsExpiryItem('http://127.0.0.1:8080/app/', trusted(), T, fixedClock(0), ctx());
    expect(item).toMatchObject({ status: 'ok', informational: true, value: 'not checked: APP_URL is http:// (no certificate)' });
  });

  it('a refused connection is UNKNOWN naming the error', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const p = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const item = await tlsExpiryItem(`https://localhost:${p}/`, trusted(), T, fixedClock(0), ctx());
    expect(item).toMatchObject({ status: 'unknown', value: 'could not read the certificate (ECONNREFUSED)' });
  });

  it('a server that never finishes the handshake is UNKNOWN within the check time', async () => {
    const item = await tlsExpiryItem(`https://localhost:${silentPort}/`, trusted(), T, fixedClock(0), ctx(200));
    expect(item).toMatchObject({ status: 'unknown', value: 'could not read the certificate (ETIMEDOUT)' });
  });
});

describe('/health frontend', () => {
  it('reports the certificate beside HTTP and response time', async () => {
    const http = fakeFetch(() => new Response(null, { status: 200 }));
    const clock = fixedClock(validTo - 40 * DAY);
    const check = frontendCheck({ appUrl: `https://localhost:${port}/`, fetch: http.fetch, clock, latencyWarnMs: 2000, tls: { reader: trusted(), thresholds: T } });
    const list = await check.run(ctx());
    expect(list.map((i) => [i.key, i.status])).toEqual([
      ['http', 'ok'],
      ['latency', 'ok'],
      ['tls_expiry', 'ok'],
    ]);
    expect(list[2]!.value).toMatch(/^40 days left/);
  });
});
