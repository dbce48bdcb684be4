// The bot token goes only to Slack: a file address (from a Slack payload anyone can shape) that
// names another host, plain http, or a redirect off Slack's hosts never gets the token.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { isOpsError } from '../../../src/core/errors.js';
import { createLogsService } from '../../../src/logs/service.js';
import { createSlackFileDownloader, tokenRefusal } from '../../../src/logs/sources/slack-file.js';
import type { LogSummarizer } from '../../../src/logs/summarizer.js';

const TOKEN = ['xoxb', '1234567890', '0987654321', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const API = 'https://slack.com/api/';

interface Call {
  url: string;
  authorization: string | undefined;
  redirect: string | undefined;
}

/** A fetch that records each request and answers from `routes` (url → response), 404 otherwise. */
function recorder(routes: Record<string, () => Response>) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, authorization: new Headers(init?.headers).get('authorization') ?? undefined, redirect: init?.redirect });
    return Promise.resolve(routes[url]?.() ?? new Response('not found', { status: 404 }));
  };
  return { fetch, calls };
}

const redirect = (location: string, status = 302) => () => new Response(null, { status, headers: { location } });
const file = () => new Response('2026-05-20T09:00:00Z ERROR boom\n', { headers: { 'content-type': 'text/plain' } });

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOpsError(err), String(err)).toBe(true);
  const message = (err as Error).message;
  expect(message).not.toContain(TOKEN);
  return message;
}

describe('downloading a Slack file with the bot token', () => {
  it('sends the token to files.slack.com over https, without following redirects blindly', async () => {
    const f = recorder({ 'https://files.slack.com/files-pri/T1-F1/download/app.log': file });
    const res = await createSlackFileDownloader({ botToken: TOKEN, apiUrl: API, fetch: f.fetch })('https://files.slack.com/files-pri/T1-F1/download/app.log', 'app.log');
    expect(await res.text()).toContain('ERROR boom');
    expect(f.calls).toEqual([{ url: 'https://files.slack.com/files-pri/T1-F1/download/app.log', authorization: `Bearer ${TOKEN}`, redirect: 'manual' }]);
  });

  it.each([
    ['another host', 'https://evil.example/files-pri/T1-F1/app.log', /app\.log.*evil\.example.*not one of Slack's file hosts/],
    ['a look-alike host', 'https://files.slack.com.evil.example/app.log', /files\.slack\.com\.evil\.example/],
    ['a user name that hides the host', 'https://files.slack.com@evil.example/app.log', /evil\.example/],
    ['plain http to Slack', 'http://files.slack.com/files-pri/T1-F1/app.log', /http:\/\/.*only over https/],
    ['another port', 'https://files.slack.com:8443/app.log', /files\.slack\.com:8443/],
  ])('refuses %s before any request is made', async (_what, url, says) => {
    const f = recorder({ [url]: file });
    const message = await refusal(createSlackFileDownloader({ botToken: TOKEN, apiUrl: API, fetch: f.fetch })(url, 'app.log'));
    expect(message).toMatch(says);
    expect(f.calls).toEqual([]);
  });

  it('follows a redirect to another host without the token, and one within Slack with it', async () => {
    const f = recorder({
      'https://files.slack.com/files-pri/T1-F1/app.log': redirect('/files-pri/T1-F1/v2/app.log', 301),
      'https://files.slack.com/files-pri/T1-F1/v2/app.log': redirect('https://cdn.evil.example/app.log?sig=1', 307),
      'https://cdn.evil.example/app.log?sig=1': file,
    });
    const res = await createSlackFileDownloader({ botToken: TOKEN, apiUrl: API, fetch: f.fetch })('https://files.slack.com/files-pri/T1-F1/app.log', 'app.log');
    expect(res.status).toBe(200);
    expect(f.calls.map((c): unknown[] => [c.url, c.authorization, c.redirect])).toEqual([
      ['https://files.slack.com/files-pri/T1-F1/app.log', `Bearer ${TOKEN}`, 'manual'],
      ['https://files.slack.com/files-pri/T1-F1/v2/app.log', `Bearer ${TOKEN}`, 'manual'],
      ['https://cdn.evil.example/app.log?sig=1', undefined, 'manual'],
    ]);
  });

  it('does not follow a redirect to http, nor an endless chain of them', async () => {
    const f = recorder({ 'https://files.slack.com/a': redirect('http://evil.example/a') });
    const message = await refusal(createSlackFileDownloader({ botToken: TOKEN, apiUrl: API, fetch: f.fetch })('https://files.slack.com/a', 'a.log'));
    expect(message).toMatch(/a\.log.*redirected to http:\/\/evil\.example.*only over https/);
    expect(f.calls.map((c) => c.url)).toEqual(['https://files.slack.com/a']);

    const loop = recorder({ 'https://files.slack.com/a': redirect('https://files.slack.com/a') });
    expect(await refusal(createSlackFileDownloader({ botToken: TOKEN, apiUrl: API, fetch: loop.fetch })('https://files.slack.com/a', 'a.log'))).toMatch(/redirected .* more than 5 times/);
    expect(loop.calls.length).toBe(6);
  });

  it('allows the origin of SLACK_API_URL (a local stand-in on http) and files.<its host>, and nothing else', () => {
    const standIn = 'http://127.0.0.1:4010/api/';
    expect(tokenRefusal(new URL('http://127.0.0.1:4010/files/app.log'), standIn)).toBeUndefined();
    // The stand-in's origin only: another port, or http to it without the setting, is refused.
    expect(tokenRefusal(new URL('http://127.0.0.1:4011/files/app.log'), standIn)).toMatch(/only over https/);
    expect(tokenRefusal(new URL('http://127.0.0.1:4010/files/app.log'), API)).toMatch(/only over https/);
    expect(tokenRefusal(new URL('https://127.0.0.1:4010/files/app.log'), API)).toMatch(/not one of Slack's file hosts/);
    // GovSlack, and the files host next to a configured API host.
    expect(tokenRefusal(new URL('https://files.slack-gov.com/files-pri/x'), 'https://slack-gov.com/api/')).toBeUndefined();
    expect(tokenRefusal(new URL('https://files.slack.test/x'), 'https://slack.test/api/')).toBeUndefined();
    expect(tokenRefusal(new URL('https://files.slack.test/x'), API)).toMatch(/files\.slack\.test/);
  });
});

describe('/logs summarize file', () => {
  const summarizer: LogSummarizer = { summarize: () => Promise.reject(new Error('not reached')) };

  it('refuses a file whose address names another host, naming the file and the host, with no request', async () => {
    const f = recorder({});
    const logs = createLogsService({ summarizer, supabase: undefined, analyze: {}, download: { botToken: TOKEN, apiUrl: API, fetch: f.fetch }, clock: fixedClock(0) });
    const message = await refusal(logs.summarizeFile({ name: 'ai-chat.log', size: 100, url: 'https://attacker.example/collect' }));
    expect(message).toMatch(/ai-chat\.log/);
    expect(message).toMatch(/attacker\.example/);
    expect(f.calls).toEqual([]);
  });
});
