// The local workspace's stand-in of GET /v1/projects/{ref}/secrets answers as Supabase does
// (name and value, the token and ref checked), so /secrets runs locally through the real adapter.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { createSimulatedSupabase } from '../../src/local/supabase/server.js';
import { createWorld } from '../../src/local/supabase/world.js';
import { managementApiSecrets } from '../../src/secrets/management-api.js';

const REF = 'localprojectref0001';
const keys = { anonKey: 'sb_publishable_local_anon_0123456789', serviceRoleKey: 'sb_secret_local_service_0123456789', accessToken: 'sbp_local_access_token_0123456789' };
let sim: ReturnType<typeof createSimulatedSupabase>;

beforeAll(async () => {
  // The pool to the target is lazy; nothing here touches it.
  sim = createSimulatedSupabase({ world: createWorld(), keys, projectRef: REF, functionName: 'ai-chat', targetUrl: 'postgres://127.0.0.1:1/none', clock: systemClock, logger: pino({ level: 'silent' }) });
  await sim.listen();
});
afterAll(async () => {
  await sim.close();
});

const source = (token: string, ref = REF) => managementApiSecrets({ apiUrl: sim.managementApiUrl, accessToken: token, projectRef: ref, fetch, clock: systemClock, sleep: () => Promise.resolve() });

describe('local secrets endpoint', () => {
  it('lists the simulated project secrets; the adapter keeps names and digests only', async () => {
    const raw = (await (await fetch(`${sim.managementApiUrl}/v1/projects/${REF}/secrets`, { headers: { authorization: `Bearer ${keys.accessToken}` } })).json()) as { name: string; value: string }[];
    const list = await source(keys.accessToken).list();
    expect(list.map((s) => s.name)).toEqual(['LOVABLE_API_KEY', 'SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_DB_URL']);
    for (const r of raw) expect(JSON.stringify(list)).not.toContain(r.value);
  });

  it('a wrong token is 401 and another project 404, as Supabase answers', async () => {
    await expect(source('sbp_wrong_token_0123456789abcd').list()).rejects.toThrow(/HTTP 401/);
    await expect(source(keys.accessToken, 'otherprojectref0002').list()).rejects.toThrow(/HTTP 404/);
  });
});
