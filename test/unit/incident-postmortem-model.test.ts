// The Gemini adapter of the postmortem narrative: the same client interface and retry path as
// /logs (408/429/5xx retried with the server's delay honoured, other 4xx not), driven through
// draftPostmortem with a hand-written fake GeminiClient, a fixed clock and a recorded sleep.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createRedactor } from '../../src/core/redact.js';
import { draftPostmortem } from '../../src/incidents/postmortem.js';
import { createGeminiPostmortemModel, POSTMORTEM_RESPONSE_SCHEMA, postmortemModelFromSettings } from '../../src/incidents/postmortem-model.js';
import { GeminiCallError, type GeminiClient, type GenerateRequest } from '../../src/logs/gemini.js';
import { fakeFetch } from '../support/unit-fetch.js';
import * as fx from './incident-postmortem-fixtures.js';

const answer = JSON.stringify({
  summary: 'A leaked service-role key led to a lockdown [E4] [R1].',
  impact: 'Dealers were logged out [U1].',
  suspectedCause: '',
  contributingFactors: [{ text: 'Key not rotated', cites: ['E4'] }],
  actionItems: [{ text: 'Rotate keys quarterly' }],
});

type Step = { ok: string } | { fail: GeminiCallError };
const http = (status: number, retryAfterMs?: number) => new GeminiCallError('http', `Gemini answered HTTP ${status}`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

function fakeClient(steps: Step[]): GeminiClient & { calls: GenerateRequest[] } {
  const calls: GenerateRequest[] = [];
  return {
    calls,
    generate(req) {
      calls.push(req);
      const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
      return 'fail' in step ? Promise.reject(step.fail) : Promise.resolve({ text: step.ok, inputTokens: 900, outputTokens: 120 });
    },
  };
}

async function run(steps: Step[], opts: { maxAttempts?: number } = {}) {
  const clock = fixedClock(fx.T0 + 200 * fx.MIN);
  const waits: number[] = [];
  const sleep = (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
    return Promise.resolve();
  };
  const client = fakeClient(steps);
  const model = createGeminiPostmortemModel({ client, clock, sleep, random: () => 0.5, ...opts })!;
  const pm = await draftPostmortem({
    incident: fx.incident(),
    timeline: fx.timeline(),
    updates: fx.updates(),
    auditFacts: fx.auditFacts(),
    model,
    clock,
    redact: createRedactor([fx.CONFIG_SECRET]).redact,
    timezone: 'America/New_York',
  });
  return { pm, client, waits };
}

describe('Gemini postmortem model', () => {
  it('asks the configured model with the narrative schema and our framing; the footer names it', async () => {
    const { pm, client } = await run([{ ok: answer }]);
    expect(pm.source).toBe('gemini');
    expect(client.calls).toHaveLength(1);
    const req = client.calls[0]!;
    expect(req.model).toBe('gemini-2.5-flash');
    expect(req.responseSchema).toBe(POSTMORTEM_RESPONSE_SCHEMA);
    expect(req.systemInstruction).toContain('untrusted data');
    expect(pm.markdown).toContain('written by Gemini (gemini-2.5-flash)');
  });

  it('a 429 then success: retried once, honouring the server delay, and the narrative is Gemini\'s', async () => {
    const { pm, client, waits } = await run([{ fail: http(429, 7000) }, { ok: answer }]);
    expect(client.calls).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(7000);
    expect(pm.source).toBe('gemini');
    expect(pm.markdown).toContain('A leaked service-role key led to a lockdown [E4] [R1].');
  });

  it('a 400 is not retried: the offline draft, labelled with the reason', async () => {
    const { pm, client, waits } = await run([{ fail: http(400) }, { ok: answer }]);
    expect(client.calls).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(pm).toMatchObject({ source: 'offline', offlineReason: 'model failed: Gemini answered HTTP 400' });
    expect(pm.markdown).toContain('not by a model: model failed: Gemini answered HTTP 400.');
  });

  it('5xx on every attempt: offline after the configured attempts', async () => {
    const { pm, client, waits } = await run([{ fail: http(503) }], { maxAttempts: 3 });
    expect(client.calls).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(pm.offlineReason).toBe('model failed: Gemini answered HTTP 503 after 3 attempts');
  });

  it('a 200 with text that is not JSON: offline, saying so', async () => {
    const { pm } = await run([{ ok: 'Here is your postmortem!' }]);
    expect(pm.offlineReason).toBe('model failed: gemini-2.5-flash returned invalid JSON');
  });

  it('no key and no client: no model, so the caller drafts offline', () => {
    expect(createGeminiPostmortemModel({ clock: fixedClock(0) })).toBeUndefined();
    expect(createGeminiPostmortemModel({ clock: fixedClock(0), apiKey: 'AIzaSyDUMMYDUMMYDUMMYDUMMYDUMMYDUMMY0', model: 'gemini-3-flash' })?.name).toBe('gemini-3-flash');
  });
});

describe('the model as configured for /logs, through the real @google/genai client', () => {
  const settings = { geminiApiKey: 'test-gemini-key-not-real', geminiModel: 'gemini-2.5-flash', geminiBaseUrl: 'https://gemini-proxy.test', geminiTimeoutMs: 5000, geminiMaxAttempts: 3 };

  it('no key: no model', () => {
    expect(postmortemModelFromSettings({ ...settings, geminiApiKey: undefined }, { clock: fixedClock(0) })).toBeUndefined();
  });

  it('sends JSON-mode generateContent with the narrative schema to GEMINI_BASE_URL, with no planted secret, and uses the answer', async () => {
    const http = fakeFetch((call) =>
      call.method === 'POST' && call.url.startsWith('https://gemini-proxy.test/v1/models/gemini-2.5-flash:generateContent')
        ? new Response(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: answer }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 3000, candidatesTokenCount: 200 } }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          })
        : undefined,
    );
    const clock = fixedClock(fx.T0 + 200 * fx.MIN);
    const model = postmortemModelFromSettings(settings, { clock, fetch: http.fetch })!;
    const pm = await draftPostmortem({ incident: fx.incident(), timeline: fx.timeline(), updates: fx.updates(), auditFacts: fx.auditFacts(), model, clock, redact: createRedactor([fx.CONFIG_SECRET]).redact, timezone: 'America/New_York' });
    expect(http.calls).toHaveLength(1);
    const call = http.calls[0]!;
    expect(call.headers['x-goog-api-key']).toBe('test-gemini-key-not-real');
    const body = JSON.parse(call.body!);
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.responseSchema.required).toEqual(['summary', 'impact', 'suspectedCause', 'contributingFactors', 'actionItems']);
    for (const secret of fx.SECRETS) expect(call.body).not.toContain(secret);
    expect(pm.source).toBe('gemini');
    expect(pm.markdown).toContain('A leaked service-role key led to a lockdown [E4] [R1].');
  });
});
