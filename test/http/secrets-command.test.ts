// /secrets over signed Slack requests, with the Management API answering in its recorded shape
// (GET /v1/projects/{ref}/secrets → [{name, value}], sometimes with updated_at): names and ages
// only, the old ones flagged, a changed value dated by its fingerprint, a deleted one reported;
// no value ever reaches Slack, the logs, the audit log or the state store; the API's failures
// say what to fix; /secrets rotate posts the five-step checklist; and it is for on-call only.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { healthyUpstreams, startTestBot, testEnv, type TestBot } from '../support/bot.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { FakeHttp, jsonResponse, postCommand, RESPONSE_URL, type RecordedCall } from '../support/slack.js';

const API = 'https://api.supabase.test';
const REF = 'abcdefghijklmnopqrst';
const TOKEN = 'sbp_SECRET_access_token_0123456789abcdef';
const VALUES = { LOVABLE_API_KEY: 'lov-SECRET-value-one-111', OLD_PROVIDER_KEY: 'old-SECRET-value-two-222', STRIPE_KEY: 'sk_live_SECRET_value_three_333' };
const DAY = 86_400_000;

let db: TestDatabase;
let bot: TestBot;
let http: FakeHttp;
/** What the Management API answers next. */
let answer: () => Response;
let values: Record<string, string>;
const listed = () =>
  jsonResponse(
    Object.entries(values).map(([name, value]) =>
      name === 'OLD_PROVIDER_KEY' ? { name, value, updated_at: new Date(Date.now() - 200 * DAY).toISOString() } : { name, value },
    ),
  );

beforeAll(async () => {
  db = await createTestDatabase();
  http = healthyUpstreams(new FakeHttp()).on((c) => (c.url === `${API}/v1/projects/${REF}/secrets` ? answer() : undefined));
  bot = await startTestBot({
    env: testEnv(db.url, { SUPABASE_ACCESS_TOKEN: TOKEN, SUPABASE_PROJECT_REF: REF, SUPABASE_MANAGEMENT_API_URL: API, SECRET_MAX_AGE_DAYS: '90' }),
    http,
  });
});
afterAll(async () => {
  await bot.stop();
  await db.drop();
});
beforeEach(() => {
  values = { ...VALUES };
  answer = listed;
});

async function reply(text: string, user = 'U0ONCALL'): Promise<string> {
  const before = http.calls.length;
  await postCommand(bot.baseUrl, '/secrets', text, { fields: { user_id: user } });
  const r = await http.waitFor((c) => http.calls.indexOf(c) >= before && c.url === RESPONSE_URL && !/^(Listing|Posting)/.test(String((c.json as { text?: string }).text)));
  return JSON.stringify(r.json);
}

/** Everything the bot wrote or sent, searched for any secret value (and its plain SHA-256). */
async function leaks(): Promise<string[]> {
  const out = (calls: RecordedCall[]) => calls.filter((c) => !c.url.startsWith(API)).map((c) => c.body);
  const audit = (await db.pool.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM opsbot.audit_log a')).rows.map((r) => r.row);
  const stored = (await db.pool.query<{ row: string }>('SELECT row_to_json(f)::text AS row FROM opsbot.secret_fingerprints f')).rows.map((r) => r.row);
  const everything = [...out(http.calls), ...bot.logs, ...audit, ...stored].join('\n');
  const needles = [...Object.values(VALUES), 'changed-SECRET-value-444', TOKEN].flatMap((v) => [v, createHash('sha256').update(v).digest('hex')]);
  return needles.filter((n) => everything.includes(n));
}

describe('/secrets', () => {
  it('lists names and ages, flags the old one with its rotate command; a changed value is dated; a deleted one reported; no value anywhere', async () => {
    const first = await reply('');
    expect(first).toContain('"response_type":"ephemeral"');
    expect(first).toMatch(/3 function secrets in project abcdefghijklmnopqrst, 1 older than 90 days/);
    expect(first).toMatch(/:warning: \*OLD_PROVIDER_KEY\* — changed .*, 200 days ago — older than 90 days: rotate with `\/secrets rotate OLD_PROVIDER_KEY`/);
    expect(first).toMatch(/:grey_question: \*LOVABLE_API_KEY\* — unchanged since the bot first saw it .*\(0 days or more; earlier changes unknown\)/);
    const call = http.calls.find((c) => c.url.startsWith(API))!;
    expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);

    values.LOVABLE_API_KEY = 'changed-SECRET-value-444';
    delete values.STRIPE_KEY;
    const second = await reply('list');
    expect(second).toMatch(/:white_check_mark: \*LOVABLE_API_KEY\* — changed .*, 0 days ago \(seen changing by the bot\)/);
    expect(second).toMatch(/Gone since the last look \(deleted in Supabase\): \*STRIPE_KEY\*/);
    const rows = (await db.pool.query<{ name: string; changed_at: Date | null; gone_at: Date | null }>('SELECT name, changed_at, gone_at FROM opsbot.secret_fingerprints ORDER BY name')).rows;
    expect(rows.map((r) => [r.name, r.changed_at !== null, r.gone_at !== null])).toEqual([
      ['LOVABLE_API_KEY', true, false],
      ['OLD_PROVIDER_KEY', true, false],
      ['STRIPE_KEY', false, true],
    ]);
    // Unchanged this time: the date stays.
    const third = await reply('');
    expect(third).toMatch(/\*LOVABLE_API_KEY\* — changed .*\(seen changing by the bot\)/);
    expect(third).not.toMatch(/Gone since the last look/);

    expect(await leaks()).toEqual([]);
  });

  it.each([
    [401, /Supabase refused the secrets request \(HTTP 401\): check SUPABASE_ACCESS_TOKEN/],
    [404, /Supabase knows no project abcdefghijklmnopqrst \(HTTP 404\): check SUPABASE_PROJECT_REF/],
    [429, /Supabase rate-limited the secrets request \(HTTP 429\); try again in a minute/],
  ])('a %i from the Management API says what to fix', async (status, message) => {
    answer = () => jsonResponse({ message: `denied ${VALUES.STRIPE_KEY}` }, status);
    expect(await reply('')).toMatch(message);
    expect(await leaks()).toEqual([]);
  });

  it('a project without secrets says so (and remembers the ones it saw as gone)', async () => {
    answer = () => jsonResponse([]);
    const text = await reply('');
    expect(text).toMatch(/0 function secrets in project abcdefghijklmnopqrst/);
    expect(text).toMatch(/The project has no function secrets/);
  });

  it('an unreadable answer is reported, never echoed', async () => {
    answer = () => jsonResponse({ secrets: VALUES });
    const text = await reply('');
    expect(text).toMatch(/Supabase returned a secrets list we could not read/);
    expect(await leaks()).toEqual([]);
  });

  it('rotate posts the five runbook steps as an on-call checklist; an unknown or malformed name is refused', async () => {
    const text = await reply('rotate OLD_PROVIDER_KEY');
    expect(text).toMatch(/Posted the rotation checklist for \*OLD_PROVIDER_KEY\* \(5 steps\); each tick records who and when/);
    const posted = await http.waitFor((c) => c.url.endsWith('/chat.postMessage') && JSON.stringify(c.json).includes('Rotate OLD_PROVIDER_KEY'));
    expect(JSON.stringify(posted.json)).toMatch(/Generate a new key.*Update the secret in Supabase.*Redeploy the edge functions.*Test: .*Revoke the old key/);
    const c = (await db.pool.query<{ kind: string; access: string; context: { secret: string }; created_by: string; n: number }>(
      `SELECT c.kind, c.access, c.context, c.created_by, (SELECT count(*)::int FROM opsbot.checklist_items i WHERE i.checklist_id = c.id) AS n FROM opsbot.checklists c WHERE c.kind = 'secrets.rotate'`,
    )).rows;
    expect(c).toEqual([{ kind: 'secrets.rotate', access: 'oncall', context: { secret: 'OLD_PROVIDER_KEY' }, created_by: 'U0ONCALL', n: 5 }]);

    expect(await reply('rotate NOPE_KEY')).toMatch(/The project has no function secret named NOPE_KEY. It has: LOVABLE_API_KEY, OLD_PROVIDER_KEY, STRIPE_KEY/);
    // Bad words are answered in the ack itself.
    expect((await postCommand(bot.baseUrl, '/secrets', 'rotate `rm -rf`')).body).toMatch(/A secret name is letters, digits and _/);
    expect(await leaks()).toEqual([]);
  });

  it('is for on-call only', async () => {
    const before = http.calls.filter((c) => c.url.startsWith(API)).length;
    expect(await reply('', 'U0NOBODY')).toMatch(/on-call/i);
    expect(http.calls.filter((c) => c.url.startsWith(API)).length).toBe(before);
  });
});
