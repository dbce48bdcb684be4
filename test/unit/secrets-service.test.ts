// The secrets adapter drops every value at its boundary and says what went wrong in words an
// operator can act on (timeouts included); the service dates each secret from the best source it
// has and flags it against SECRET_MAX_AGE_DAYS, treating "unchanged since first seen" as a lower bound.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import type { ChecklistService } from '../../src/checklist/service.js';
import { managementApiSecrets, type ProjectSecret, type SecretSource } from '../../src/secrets/management-api.js';
import { validateMessage } from '../../src/local/slack/validate.js';
import { secretsBlocks, secretsText } from '../../src/secrets/render.js';
import { createSecretsService } from '../../src/secrets/service.js';
import { fingerprint, type SecretRecord, type SecretStore } from '../../src/secrets/store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T03:00:00Z');
const clock = fixedClock(NOW);
const silent = pino({ level: 'silent' });

const api = (f: typeof fetch, timeoutMs = 1000) =>
  managementApiSecrets({ apiUrl: 'https://api.supabase.test/', accessToken: 'sbp_token_0123456789abcdefgh', projectRef: 'abcdefghijklmnopqrst', fetch: f, clock, timeoutMs, sleep: () => Promise.resolve() });
const answering = (status: number, body: unknown, seen: string[] = []): typeof fetch =>
  ((input: string | URL | Request) => {
    seen.push(input instanceof Request ? input.url : input.toString());
    return Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  });

describe('Management API secrets adapter', () => {
  it('reads the recorded shape, keeps names and dates, and no value', async () => {
    const seen: string[] = [];
    const list = await api(
      answering(200, [
        { name: 'LOVABLE_API_KEY', value: 'very-SECRET-1' },
        { name: 'STRIPE_KEY', value: 'very-SECRET-2', updated_at: '2026-10-01T12:00:00Z' },
      ], seen),
    ).list();
    expect(seen).toEqual(['https://api.supabase.test/v1/projects/abcdefghijklmnopqrst/secrets']);
    expect(list.map((s) => [s.name, s.updatedAt])).toEqual([
      ['LOVABLE_API_KEY', null],
      ['STRIPE_KEY', Date.parse('2026-10-01T12:00:00Z')],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/SECRET/);
    expect(list[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(list[0]!.digest).not.toBe(list[1]!.digest);
  });

  it.each([
    [403, /refused the secrets request \(HTTP 403\)/],
    [500, /answered HTTP 500 to the secrets request; try again shortly/],
  ])('HTTP %i is an UpstreamError that never quotes the body', async (status, message) => {
    const err = await api(answering(status, { message: 'body-SECRET' })).list().then(
      () => '',
      (e: Error) => e.message,
    );
    expect(err).toMatch(message);
    expect(err).not.toMatch(/SECRET/);
  });

  it('no answer within the time limit says so', async () => {
    const hanging = ((_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)))) as typeof fetch;
    await expect(api(hanging, 50).list()).rejects.toThrow(/did not answer within 0 s|could not be reached/);
  });

  it('without a token or project ref it is not configured and says what to set', async () => {
    const none = managementApiSecrets({ apiUrl: 'https://api.supabase.test', accessToken: undefined, projectRef: 'abcdefghijklmnopqrst', fetch: answering(200, []), clock });
    expect(none.configured).toBe(false);
    await expect(none.list()).rejects.toThrow(/set SUPABASE_ACCESS_TOKEN .* and SUPABASE_PROJECT_REF/);
  });
});

/** The store's rules (sql/state/secrets/*.sql) in memory. */
function memoryStore(initial: SecretRecord[] = []): SecretStore & { rows: Map<string, SecretRecord> } {
  const rows = new Map(initial.map((r) => [r.name, r]));
  return {
    rows,
    all: () => Promise.resolve(new Map([...rows].map(([k, v]) => [k, { ...v }]))),
    seen(name, digest, now, previous, changed, apiChangedAt) {
      const salt = `salt-${now}`;
      const cur = rows.get(name);
      if (!cur) rows.set(name, { name, salt, digest: fingerprint(salt, digest), firstSeenAt: now, changedAt: apiChangedAt, lastSeenAt: now, goneAt: null });
      else if (changed && cur.digest === previous?.digest) rows.set(name, { ...cur, salt, digest: fingerprint(salt, digest), changedAt: apiChangedAt ?? now, lastSeenAt: now, goneAt: null });
      else rows.set(name, { ...cur, changedAt: apiChangedAt ?? cur.changedAt, lastSeenAt: now, goneAt: null });
      return Promise.resolve();
    },
    markGone(names, now) {
      const gone = [...rows.values()].filter((r) => r.goneAt === null && !names.includes(r.name));
      for (const r of gone) r.goneAt = now;
      return Promise.resolve(gone.map((r) => r.name));
    },
  };
}
const source = (secrets: ProjectSecret[]): SecretSource => ({ configured: true, projectRef: 'abcdefghijklmnopqrst', list: () => Promise.resolve(secrets) });
const noChecklists = {} as ChecklistService;

describe('secret ages', () => {
  it('API date first; then the fingerprint; else "unchanged since first seen", flagged once that alone passes the limit', async () => {
    const store = memoryStore([
      { name: 'SEEN_LONG_AGO', salt: 's', digest: fingerprint('s', 'd1'), firstSeenAt: NOW - 120 * DAY, changedAt: null, lastSeenAt: NOW - DAY, goneAt: null },
      { name: 'ROTATED', salt: 's', digest: fingerprint('s', 'old'), firstSeenAt: NOW - 300 * DAY, changedAt: NOW - 200 * DAY, lastSeenAt: NOW - DAY, goneAt: null },
      { name: 'DELETED', salt: 's', digest: fingerprint('s', 'x'), firstSeenAt: NOW - 10 * DAY, changedAt: null, lastSeenAt: NOW - DAY, goneAt: null },
    ]);
    const svc = createSecretsService({
      source: source([
        { name: 'FROM_API', digest: 'a', updatedAt: NOW - 100 * DAY },
        { name: 'SEEN_LONG_AGO', digest: 'd1', updatedAt: null },
        { name: 'ROTATED', digest: 'new', updatedAt: null },
        { name: 'BRAND_NEW', digest: 'b', updatedAt: null },
      ]),
      store,
      checklists: noChecklists,
      clock,
      logger: silent,
      maxAgeDays: 90,
    });
    const r = await svc.list();
    const by = Object.fromEntries(r.secrets.map((s) => [s.name, [s.status, s.source, s.ageDays]]));
    expect(by).toEqual({
      FROM_API: ['old', 'api', 100],
      SEEN_LONG_AGO: ['old', 'unknown', 120],
      ROTATED: ['ok', 'fingerprint', 0],
      BRAND_NEW: ['unknown', 'unknown', 0],
    });
    expect(r.secrets.map((s) => s.status)).toEqual(['old', 'old', 'unknown', 'ok']);
    expect(r.gone).toEqual(['DELETED']);
    expect(JSON.stringify([...store.rows.values()])).not.toMatch(/"digest":"(a|b|d1|new)"/);
  });

  it('rotate refuses an unknown name with the list, and a malformed one before asking Supabase', async () => {
    let asked = 0;
    const svc = createSecretsService({
      source: { configured: true, projectRef: 'abcdefghijklmnopqrst', list: () => (asked++, Promise.resolve([{ name: 'A_KEY', digest: 'x', updatedAt: null }])) },
      store: memoryStore(),
      checklists: noChecklists,
      clock,
      logger: silent,
      maxAgeDays: 90,
    });
    await expect(svc.rotate('B_KEY', { channel: 'C1', actor: 'U1' })).rejects.toThrow(/no function secret named B_KEY. It has: A_KEY/);
    await expect(svc.rotate('a b', { channel: 'C1', actor: 'U1' })).rejects.toThrow(/letters, digits and _/);
    expect(asked).toBe(1);
  });
});

describe('secrets rendering', () => {
  it('Block Kit that Slack accepts, even for hundreds of secrets; names escaped; old ones first with their command', () => {
    const secrets = Array.from({ length: 400 }, (_, i) => ({
      name: i === 0 ? 'OLD_<!channel>' : `KEY_${String(i).padStart(3, '0')}_${'X'.repeat(60)}`,
      changedAt: i === 0 ? NOW - 200 * DAY : null,
      source: i === 0 ? ('api' as const) : ('unknown' as const),
      firstSeenAt: NOW - DAY,
      ageDays: i === 0 ? 200 : 1,
      status: i === 0 ? ('old' as const) : ('unknown' as const),
    }));
    const msg = secretsBlocks({ projectRef: 'abcdefghijklmnopqrst', at: NOW, maxAgeDays: 90, secrets, gone: ['GONE_KEY'] }, 'UTC');
    expect(validateMessage(msg)).toEqual({ ok: true });
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('OLD_&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text).toMatch(/older than 90 days: rotate with `\/secrets rotate OLD_/);
    expect(secretsText({ projectRef: 'abcdefghijklmnopqrst', at: NOW, maxAgeDays: 90, secrets: secrets.slice(0, 2), gone: [] }, 'UTC').split('\n')).toEqual([
      '2 function secrets in project abcdefghijklmnopqrst, 1 older than 90 days',
      expect.stringMatching(/^ {2}OLD {5}OLD_<!channel> — changed .* 200 days ago — older than 90 days/),
      expect.stringMatching(/^ {2}UNKNOWN KEY_001_X+ — unchanged since the bot first saw it/),
    ]);
  });
});
