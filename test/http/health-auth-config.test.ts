// /health auth's configuration facts from the recorded shape of the Management API auth config
// (GET /v1/projects/{ref}/config/auth): email confirmation, Site URL and redirect URLs judged
// against APP_URL (the runbook's "Authentication Loop"), and the endpoint's failures (401, 404,
// 429, 5xx, timeouts) as informational UNKNOWN items that never turn Auth itself UNKNOWN.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { TargetDb } from '../../src/db/target.js';
import { authCheck } from '../../src/health/auth.js';
import { authConfigItems, coversApp, createAuthConfigSource, redirectUrls } from '../../src/health/auth-config.js';
import { componentStatus, type HealthItem } from '../../src/health/types.js';
import { authConfigBody } from '../fixtures/supabase-platform.js';
import { fakeFetch, type FetchCall } from '../support/unit-fetch.js';

const API = 'https://api.supabase.com';
const TOKEN = 'sbp_0123456789abcdef0123456789abcdef01234567';
const REF = 'abcdefghijklmnopqrst';
const APP = 'https://app.autorepai.example';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function setup(answer: (c: FetchCall) => Response | Promise<Response>, appUrl = APP) {
  const http = fakeFetch(answer);
  const source = createAuthConfigSource({ accessToken: TOKEN, projectRef: REF, apiUrl: API, fetch: http.fetch, clock: fixedClock(0), sleep: () => Promise.resolve() });
  const items = () => authConfigItems(source, appUrl, { signal: new AbortController().signal, timeoutMs: 5000 });
  return { http, source, items };
}
const byKey = (items: HealthItem[], key: string) => items.find((i) => i.key === key)!;

describe('auth config request', () => {
  it('GETs /v1/projects/{ref}/config/auth with the access token', async () => {
    const { http, items } = setup(() => json(authConfigBody()));
    await items();
    expect(http.calls).toHaveLength(1);
    expect(http.calls[0]).toMatchObject({ url: `${API}/v1/projects/${REF}/config/auth`, method: 'GET' });
    expect(http.calls[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('the Authentication Loop facts', () => {
  it('a configuration that matches the app: all ok, email confirmation required, the redirect list shown', async () => {
    const list = await setup(() => json(authConfigBody())).items();
    expect(list.map((i) => [i.key, i.status])).toEqual([
      ['site_url', 'ok'],
      ['redirect_urls', 'ok'],
      ['email_confirmation', 'ok'],
    ]);
    expect(byKey(list, 'site_url').value).toBe(APP);
    expect(byKey(list, 'redirect_urls').value).toBe('3: https://app.autorepai.example/**, https://*-autorepai.vercel.app/**, http://localhost:5173');
    expect(byKey(list, 'email_confirmation')).toMatchObject({ value: 'required (users must click the emailed link before signing in)', informational: true, data: { required: true } });
  });

  it('a Site URL left at localhost and an allow-list without the app warn with the fix', async () => {
    const list = await setup(() => json(authConfigBody({ siteUrl: 'http://localhost:3000', allowList: 'http://localhost:3000/**' }))).items();
    expect(byKey(list, 'site_url')).toMatchObject({ status: 'warn', value: 'http://localhost:3000', threshold: `same origin as APP_URL (${APP})` });
    expect(byKey(list, 'redirect_urls')).toMatchObject({ status: 'warn', data: { coversApp: false } });
    expect(byKey(list, 'site_url').advice).toMatch(/Authentication → URL Configuration/);
    expect(componentStatus(list)).toBe('warn');
  });

  it('a Site URL elsewhere but the app on the allow-list: the Site URL warns, redirects are fine', async () => {
    const list = await setup(() => json(authConfigBody({ siteUrl: 'https://www.autorepai.example', allowList: 'https://app.autorepai.example/**' }))).items();
    expect(byKey(list, 'site_url').status).toBe('warn');
    expect(byKey(list, 'redirect_urls').status).toBe('ok');
  });

  it('autoconfirm on reads as email confirmation off', async () => {
    const list = await setup(() => json(authConfigBody({ autoconfirm: true }))).items();
    expect(byKey(list, 'email_confirmation')).toMatchObject({ value: 'off (new users are confirmed at sign-up)', data: { required: false } });
  });

  it('allow-list globs: ** spans paths, * stays within one segment', () => {
    expect(redirectUrls(' https://a.example/** , ,http://localhost:5173 ')).toEqual(['https://a.example/**', 'http://localhost:5173']);
    expect(coversApp('https://app.autorepai.example/**', APP)).toBe(true);
    expect(coversApp('https://*.autorepai.example/**', APP)).toBe(true);
    expect(coversApp('https://app.autorepai.example', `${APP}/dashboard`)).toBe(true);
    expect(coversApp('https://*.example/**', APP)).toBe(false);
    expect(coversApp('https://app.autorepai.example.evil.test/**', APP)).toBe(false);
  });
});

describe('failures are informational UNKNOWN items', () => {
  it.each([
    ['401', () => json({ message: 'Unauthorized' }, 401), /refused the token \(HTTP 401\)/, /SUPABASE_ACCESS_TOKEN/],
    ['403', () => json({ message: 'Forbidden resource' }, 403), /HTTP 403/, /auth_config_read/],
    ['404', () => json({ message: 'Project not found' }, 404), /no such project \(HTTP 404\)/, /SUPABASE_PROJECT_REF/],
    ['429', () => json({ message: 'Too Many Requests' }, 429), /rate limiting \(HTTP 429\)/, /URL Configuration/],
    ['500', () => json({ message: 'Internal' }, 500), /HTTP 500/, /URL Configuration/],
    ['a timeout', () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), /did not answer/, /status\.supabase\.com/],
    ['a body that is not an auth config', () => json(['not', 'an', 'object']), /not an auth config/, /SUPABASE_MANAGEMENT_API_URL/],
  ])('%s', async (_name, answer, value, advice) => {
    const list = await setup(answer).items();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ key: 'auth_config', status: 'unknown', informational: true });
    expect(list[0]!.value).toMatch(value);
    expect(list[0]!.advice).toMatch(advice);
    expect(componentStatus([{ key: 'service', label: 'Auth', status: 'ok', value: '200', threshold: '200' }, ...list])).toBe('ok');
  });
});

describe('/health auth', () => {
  it('adds the facts after the service and failed sign-ins', async () => {
    const http = fakeFetch((c) => (c.url.endsWith('/auth/v1/health') ? json({ version: 'v2.180.0' }) : json(authConfigBody())));
    const source = createAuthConfigSource({ accessToken: TOKEN, projectRef: REF, apiUrl: API, fetch: http.fetch, clock: fixedClock(0) });
    const db = { readOnly: () => Promise.resolve({ ok: true, rows: [{ total: 3, peak_per_minute: 1 }] }) } as unknown as TargetDb;
    const check = authCheck({ supabaseUrl: `https://${REF}.supabase.co`, anonKey: 'anon', fetch: http.fetch, clock: fixedClock(0), db, failedLoginsPerMinuteWarn: 10, config: { source, appUrl: APP } });
    const list = await check.run({ signal: new AbortController().signal, timeoutMs: 5000 });
    expect(list.map((i) => i.key)).toEqual(['service', 'failed_logins', 'site_url', 'redirect_urls', 'email_confirmation']);
  });
});
