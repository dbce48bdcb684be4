// Secret scrubbing: by value (as configured, and URL-encoded), by key, and by credential shape.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/core/redact.js';

const R = '[REDACTED]';
const DB_PASSWORD = 'pa55:w/rd@ops';
const ANON_KEY = 'anon-key-0123456789abcdefghij';
const redactor = createRedactor([ANON_KEY, DB_PASSWORD, 'signing-secret-9f8e7d6c']);

// Shapes assembled at run time so no literal credential-looking string sits in the repository.
const SHAPES = {
  slackBot: ['xoxb', '1234567890', '0987654321', 'AbCdEfGhIjKlMnOp'].join('-'),
  slackUser: ['xoxp', '1234567890', 'AbCdEfGhIj'].join('-'),
  slackApp: ['xapp', '1', 'A0123456789', '1234567890', 'abcdef0123456789'].join('-'),
  jwt: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJyb2xlIjoic2VydmljZV9yb2xlIn0', 'c2lnbmF0dXJlLXBhcnQtMTIzNDU2'].join('.'),
  google: 'AIza' + 'Sy' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
  supabaseSecret: 'sb_secret_' + 'N7xT2kQp9LmZ4vR8wY1c',
  stripe: 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc',
} as const;

describe('redact by value', () => {
  it('replaces every occurrence of a configured secret', () => {
    const out = redactor.redact(`key=${ANON_KEY}; again ${ANON_KEY}`);
    expect(out).toBe(`key=${R}; again ${R}`);
  });

  it('replaces the URL-encoded form of a secret too', () => {
    const encoded = encodeURIComponent(DB_PASSWORD);
    expect(encoded).not.toBe(DB_PASSWORD);
    expect(redactor.redact(`password=${encoded}&x=1`)).toBe(`password=${R}&x=1`);
  });

  it('replaces a secret that contains another secret whole (longest first)', () => {
    const r = createRedactor(['abcd', 'abcd-efgh-long-secret']);
    expect(r.redact('token abcd-efgh-long-secret end')).toBe(`token ${R} end`);
  });

  it('ignores values shorter than 4 characters, which would mangle ordinary text', () => {
    const r = createRedactor(['ab', '']);
    expect(r.redact('a cab and a crab')).toBe('a cab and a crab');
  });
});

describe('redact by shape', () => {
  it.each(Object.entries(SHAPES))('%s is redacted even when never configured', (_name, secret) => {
    const r = createRedactor([]);
    const out = r.redact(`before ${secret} after`);
    expect(out).not.toContain(secret);
    expect(out).toContain(R);
    expect(out.startsWith('before ')).toBe(true);
    expect(out.endsWith(' after')).toBe(true);
  });

  it('redacts Bearer tokens and keeps the scheme word', () => {
    const out = createRedactor([]).redact('Authorization: Bearer abc.DEF-123_xyz/+=');
    expect(out).toBe(`Authorization: Bearer ${R}`);
  });

  it.each([
    ['postgres://opsbot_ro:hunter22@db.abc.supabase.co:5432/postgres', `postgres://opsbot_ro:${R}@db.abc.supabase.co:5432/postgres`],
    ['postgresql://u:p%40ss@127.0.0.1/db', `postgresql://u:${R}@127.0.0.1/db`],
    ['https://admin:s3cr3t@hooks.example.com/path', `https://admin:${R}@hooks.example.com/path`],
  ])('redacts the password in %s and keeps user and host', (url, expected) => {
    expect(createRedactor([]).redact(`connect ${url} failed`)).toBe(`connect ${expected} failed`);
  });
});

describe('redact leaves ordinary text alone', () => {
  it.each([
    '2025-01-15T12:34:56.789Z',
    'took 1.25 s (p95 00:00:02.100)',
    'request 3f2b8c1e-9d4a-4e7b-8c2f-1a2b3c4d5e6f done',
    'SELECT pid, state FROM pg_stat_activity WHERE state = $1',
    'https://app.autorepai.example:8443/health?x=1',
    'postgres://opsbot_ro@db.abc.supabase.co:5432/postgres',
    'user U012ABCDEF in channel C0OPS ran /health db',
    'tokens used: 1234, passes: 3',
  ])('%s', (text) => {
    expect(redactor.redact(text)).toBe(text);
  });
});

describe('scrub', () => {
  it('replaces values of secret-named keys at any depth, in objects and arrays', () => {
    const input = {
      user: 'U1',
      password: 'plain-pw',
      nested: { apiKey: 'k-1', api_key: 'k-2', authorization: 'Basic Zm9vOmJhcg==', list: [{ token: 't-1', ok: 'visible' }] },
      headers: [{ Cookie: 'sid=1' }, { 'x-slack-signature': 'v0=abc' }],
      serviceRoleKey: 'srk',
      client_secret: 'cs',
    };
    const out = redactor.scrub(input);
    expect(out).toEqual({
      user: 'U1',
      password: R,
      nested: { apiKey: R, api_key: R, authorization: R, list: [{ token: R, ok: 'visible' }] },
      headers: [{ Cookie: R }, { 'x-slack-signature': R }],
      serviceRoleKey: R,
      client_secret: R,
    });
    // A deep copy: the caller's object is untouched.
    expect(input.password).toBe('plain-pw');
  });

  it('redacts secret values and shapes inside ordinary keys', () => {
    const out = redactor.scrub({ note: `anon ${ANON_KEY}`, items: [`db ${DB_PASSWORD}`, SHAPES.slackBot], n: 3, ok: true, none: null });
    expect(out).toEqual({ note: `anon ${R}`, items: [`db ${R}`, R], n: 3, ok: true, none: null });
  });

  it('turns an Error into type, message, stack and code, all redacted, dropping other own properties', () => {
    const err = Object.assign(new TypeError(`connect failed for ${ANON_KEY}`), {
      code: 'ECONNREFUSED',
      config: { headers: { authorization: 'Bearer should-not-appear-123' } },
    });
    const out = redactor.scrub<unknown>({ err }) as { err: Record<string, unknown> };
    expect(out.err.type).toBe('TypeError');
    expect(out.err.message).toBe(`connect failed for ${R}`);
    expect(out.err.code).toBe('ECONNREFUSED');
    expect(String(out.err.stack)).toContain(`TypeError: connect failed for ${R}`);
    expect(JSON.stringify(out)).not.toContain(ANON_KEY);
    expect(JSON.stringify(out)).not.toContain('should-not-appear-123');
  });

  it('keeps dates as dates, so `--json` prints them as ISO strings and not as {}', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    expect(JSON.stringify(redactor.scrub({ declaredAt: at, items: [at] }))).toBe('{"declaredAt":"2026-12-01T10:00:00.000Z","items":["2026-12-01T10:00:00.000Z"]}');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a', token: 'x' };
    a.self = a;
    const out = redactor.scrub(a);
    expect(out).toEqual({ name: 'a', token: R, self: '[…]' });
  });
});

describe('redact by context and by vendor shape', () => {
  const r = createRedactor([]);

  it.each([
    ['upstream said 401 to Authorization: Token 9f8e7d6c5b4a3928', `upstream said 401 to Authorization: Token ${R}`],
    ['proxy-authorization: Digest username="ops", response="6629fae49393a053"', `proxy-authorization: Digest ${R}`],
    ['{"authorization":"NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA="}', `{"authorization":"NTLM ${R}"}`],
  ])('%s', (text, want) => {
    expect(r.redact(text)).toBe(want);
  });

  it('removes a private key block, also when its END marker was cut off', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    expect(r.redact(`key -----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY----- loaded`)).toBe(`key ${R} loaded`);
    expect(r.redact(`failed to parse -----BEGIN RSA PRIVATE KEY-----\n${body}`)).toBe(`failed to parse ${R}`);
  });

  it('knows the vendor shapes the log redactor knows', () => {
    const sendgrid = ['SG', 'abcdefghijklmnopqrstuv', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq'].join('.');
    const twilio = ['S', 'K', '0123456789abcdef0123456789abcdef'].join('');
    const discord = 'https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-JKL';
    for (const secret of [sendgrid, twilio, discord]) expect(r.redact(`x ${secret} y`)).not.toContain(secret.slice(-12));
    expect(r.scrub({ passphrase: 'two words', gpgPassphrase: 'x y z' })).toEqual({ passphrase: R, gpgPassphrase: R });
  });
});
