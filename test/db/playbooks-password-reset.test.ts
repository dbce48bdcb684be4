// send-password-reset: one approval from someone else, the email goes to the address the approver
// saw (a changed address stops the run), and the real adapter calls GoTrue's POST /recover in the
// shape supabase-js sends it, failing loudly on 429 / 401 with what to do.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { supabaseAuthAdmin } from '../../src/playbooks/auth-admin.js';
import type { AuthAdmin } from '../../src/playbooks/types.js';
import { engineHarness, type EngineHarness } from '../support/playbooks.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

let db: TestDatabase;
let h: EngineHarness;
const sent: string[] = [];
const authAdmin: AuthAdmin = {
  configured: true,
  setBan: () => Promise.resolve(),
  sendRecovery: (email) => {
    sent.push(email);
    return Promise.resolve();
  },
};

beforeAll(async () => {
  db = await createTestDatabase();
  h = engineHarness(db.url, { authAdmin });
});
afterAll(async () => {
  await h.close();
  await db.drop();
});
beforeEach(async () => {
  sent.length = 0;
  await db.pool.query('DELETE FROM auth.users');
});

const user = async (email: string | null, extra = '') => {
  const id = randomUUID();
  await db.pool.query(`INSERT INTO auth.users (id, email, email_confirmed_at${extra ? ', banned_until' : ''}) VALUES ($1, $2, now()${extra ? `, ${extra}` : ''})`, [id, email]);
  return id;
};
const ask = (harness: EngineHarness, id: string) => harness.engine.request({ playbookId: 'send-password-reset', rawParams: { user: id }, requestedBy: 'U0REQ', channel: 'C0OPS' });

describe('send-password-reset', () => {
  it('one approval by someone other than the requester sends the email to the approved address', async () => {
    const id = await user('Pat@Dealer.example');
    const { request } = await ask(h, id);
    expect(request.risk).toBe('write');
    expect(request.approvalsRequired).toBe(1);
    expect(request.preview.summary).toMatch(/email a password-reset link to Pat@Dealer.example/);
    expect(request.preview.items).toEqual(expect.arrayContaining(['not banned']));
    expect((await h.engine.approve(request.id, 'U0REQ')).kind).toBe('own_request');
    expect(sent).toEqual([]);
    const outcome = await h.engine.approve(request.id, 'U0APPROVER');
    if (outcome.kind !== 'started') throw new Error(outcome.kind);
    const done = await outcome.done;
    expect(done.error ?? done.state).toBe('succeeded');
    expect(sent).toEqual(['pat@dealer.example']);
    expect(done.result?.summary).toMatch(/sent a password-reset email to pat@dealer.example/);
  });

  it('the address changed after the preview: stops, sends nothing', async () => {
    const id = await user('old@dealer.example');
    const { request } = await ask(h, id);
    await db.pool.query(`UPDATE auth.users SET email = 'attacker@evil.example' WHERE id = $1`, [id]);
    const outcome = await h.engine.approve(request.id, 'U0APPROVER');
    if (outcome.kind !== 'started') throw new Error(outcome.kind);
    const done = await outcome.done;
    expect(done.state).toBe('stopped');
    expect(done.error).toMatch(/the scope changed after the preview: .*1 added, 1 gone/);
    expect(sent).toEqual([]);
  });

  it('a banned user is flagged; no email, no user, bad id or no Auth key: refused before anyone approves', async () => {
    const banned = await user('ban@dealer.example', "now() + interval '10 days'");
    expect((await ask(h, banned)).request.preview.items.join('\n')).toMatch(/BANNED until .*enable-user lifts the ban/);
    await expect(ask(h, await user(null))).rejects.toThrow(/has no email address .* Nothing was requested/);
    await expect(ask(h, randomUUID())).rejects.toThrow(/No user with id .* exists in auth.users/);
    await expect(h.engine.request({ playbookId: 'send-password-reset', rawParams: { user: 'pat@dealer.example' }, requestedBy: 'U0REQ' })).rejects.toThrow(/`user`: expected the user id \(uuid\)/);
    const off = engineHarness(db.url, { authAdmin: { configured: false, setBan: () => Promise.resolve() }, clock: h.clock });
    try {
      await expect(ask(off, banned)).rejects.toThrow(/needs the Supabase Auth API: set SUPABASE_SERVICE_ROLE_KEY/);
    } finally {
      await off.close();
    }
  });
});

describe('the Auth adapter: POST /auth/v1/recover', () => {
  const calls: { method: string; url: string; apikey: string | null; body: unknown }[] = [];
  const answering = (status: number, body: unknown): typeof fetch =>
    ((input: string | URL | Request, init?: RequestInit) => {
      const req = new Request(input, init);
      return req.text().then((text) => {
        calls.push({ method: req.method, url: req.url, apikey: req.headers.get('apikey'), body: text ? (JSON.parse(text) as unknown) : null });
        return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      });
    });
  const adapter = (f: typeof fetch) =>
    supabaseAuthAdmin({ url: 'https://proj.supabase.test', serviceRoleKey: 'sb_secret_service_role_key_1234', fetch: f, clock: fixedClock(0), sleep: () => Promise.resolve() });
  beforeEach(() => {
    calls.length = 0;
  });

  it('sends the address to /auth/v1/recover with the service-role key; GoTrue answers 200 {}', async () => {
    await adapter(answering(200, {})).sendRecovery!('pat@dealer.example');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'https://proj.supabase.test/auth/v1/recover', apikey: 'sb_secret_service_role_key_1234', body: { email: 'pat@dealer.example' } });
  });

  it('429 (email rate limit) says to wait; 401 names the status; neither is silent', async () => {
    await expect(adapter(answering(429, { code: 429, error_code: 'over_email_send_rate_limit', msg: 'email rate limit exceeded' })).sendRecovery!('pat@dealer.example')).rejects.toThrow(
      /did not send the password-reset email \(429: email rate limit exceeded\).*wait a minute/,
    );
    await expect(adapter(answering(401, { message: 'Invalid API key' })).sendRecovery!('pat@dealer.example')).rejects.toThrow(/did not send the password-reset email \(401/);
  });

  it('without a service-role key the adapter says it is not configured', () => {
    const none = supabaseAuthAdmin({ url: 'https://proj.supabase.test', serviceRoleKey: undefined, fetch: answering(200, {}) });
    expect(none.configured).toBe(false);
    expect(none.sendRecovery).toBeUndefined();
  });
});
