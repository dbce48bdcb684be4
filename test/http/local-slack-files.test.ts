// Files and direct messages in the local Slack stand-in, from the outside: the bot's own uploader
// (src/slack/files.ts over Bolt's WebClient) shares a PNG chart in a thread and reports in a
// person's DM; the stand-in keeps the bytes with their real type, serves them, and refuses what
// Slack refuses (missing or malformed arguments, alt text over 1000 characters, unknown files,
// threads and people) in Slack's shapes, changing nothing when it refuses; a private upload shows
// in a Home view by slack_file, which must name an uploaded image, and is gone once deleted.
import path from 'node:path';
import zlib from 'node:zlib';
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackStandIn, type SlackStandIn } from '../../src/local/slack/server.js';
import { DEFAULT_PERSONAS } from '../../src/local/slack/personas.js';
import { slackFileUploader } from '../../src/slack/files.js';
import { captureLogger } from '../browser/support.js';

const [ONCALL, APPROVER, SECOND, MANAGER] = DEFAULT_PERSONAS.map((p) => p.id) as [string, string, string, string];

let standIn: SlackStandIn;
let client: webApi.WebClient;

beforeEach(async () => {
  standIn = createSlackStandIn({ botEventsUrl: 'http://127.0.0.1:9/slack/events', signingSecret: 'local-files-secret', manifestPath: path.resolve('manifest.yml'), logger: captureLogger([]) });
  await standIn.listen(0);
  client = new webApi.WebClient(standIn.botToken, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
});

afterEach(async () => {
  await standIn.close();
});

/** A real PNG of w×h grey pixels (signature, IHDR, IDAT, IEND with their CRCs). */
function png(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w, 0x80)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const platformError = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return (err as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
  }
  throw new Error('expected a Slack platform error');
};

const uploader = () => slackFileUploader(() => client, fetch);
const state = async (user: string) => (await (await fetch(`${standIn.pageUrl}ui/state?user=${user}`)).json()) as { channels: { id: string; kind?: string }[]; messages: { channel: string; ts: string; thread_ts?: string; files?: Record<string, unknown>[] }[]; dm: string };

describe('files', () => {
  it('keeps a chart PNG as an image with its alt text and size, in the thread it was shared in, and serves the same bytes', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0LOCOPS', text: 'Log summary' });
    const bytes = png(7, 3);
    const alt = 'Lines per minute of the top 3 templates over 15 minutes; error share 12%, spike at 03:12.';
    const [shared] = await uploader().upload([{ filename: 'logs.png', title: 'Lines per minute', content: bytes, altText: alt }], { channel: 'C0LOCOPS', threadTs: parent.ts! });
    const replies = await client.conversations.replies({ channel: 'C0LOCOPS', ts: parent.ts! });
    expect(replies.messages).toHaveLength(2);
    expect(replies.messages![0]).toMatchObject({ ts: parent.ts, thread_ts: parent.ts, reply_count: 1 });
    const file = (replies.messages![1] as { thread_ts?: string; files?: Record<string, unknown>[] });
    expect(file.thread_ts).toBe(parent.ts);
    expect(file.files?.[0]).toMatchObject({ id: shared!.id, name: 'logs.png', title: 'Lines per minute', mimetype: 'image/png', filetype: 'png', size: bytes.length, alt_txt: alt, original_w: 7, original_h: 3 });
    const served = await fetch(String(file.files![0]!.url_private));
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    // The page sees it in the thread, not in the channel's top level.
    const seen = await state(ONCALL);
    expect(seen.messages.find((m) => m.files?.length)).toMatchObject({ channel: 'C0LOCOPS', thread_ts: parent.ts });
  });

  it('types reports by their bytes and name: Markdown, CSV and JSON are not text/plain; a PNG named .txt is still an image', async () => {
    const items = [
      { filename: 'r.md', title: 'Report', content: '# Slow queries\n\n| # | ms |\n', snippetType: 'markdown' },
      { filename: 'r.csv', title: 'Report CSV', content: 'rank,ms\n1,250\n' },
      { filename: 'r.json', title: 'Report JSON', content: '{"statements":[]}' },
      { filename: 'odd.txt', title: 'Odd', content: png(2, 2) },
    ];
    const shared = await uploader().upload(items, { channel: 'C0LOCOPS' });
    const types = await Promise.all(shared.map(async (f) => ((await client.files.info({ file: f.id })).file as { mimetype: string; filetype: string })));
    expect(types.map((t) => [t.mimetype, t.filetype])).toEqual([
      ['text/markdown', 'markdown'],
      ['text/csv', 'csv'],
      ['application/json', 'json'],
      ['image/png', 'png'],
    ]);
  });

  it('refuses bad getUploadURLExternal arguments as Slack does, and accepts alt text of exactly 1000 characters', async () => {
    const bad = async (args: Record<string, unknown>) => platformError(client.apiCall('files.getUploadURLExternal', args));
    expect(await bad({ length: 3 })).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: filename'] } });
    expect(await bad({ filename: 'a.txt' })).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: length'] } });
    expect(await bad({ filename: 'a.txt', length: 'three' })).toMatchObject({ error: 'invalid_arguments' });
    expect(await bad({ filename: 'a.txt', length: 0 })).toMatchObject({ error: 'invalid_arguments' });
    expect(await bad({ filename: 'a.txt', length: 2 * 1024 ** 3 })).toMatchObject({ error: 'file_too_large' });
    expect(await bad({ filename: 'a.png', length: 3, alt_text: 'x'.repeat(1001) })).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] alt_text must be 1000 characters or fewer'] } });
    const ok = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3, alt_text: 'x'.repeat(1000) });
    expect(ok).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F/), upload_url: expect.stringContaining('/upload/') });
    expect(standIn.workspace.uploads.size).toBe(1);
  });

  it('refuses an upload of another length than announced, and sharing a file never uploaded, unknown or already shared', async () => {
    const slot = await client.files.getUploadURLExternal({ filename: 'a.txt', length: 5 });
    const short = await fetch(slot.upload_url!, { method: 'POST', body: 'abc' });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/length mismatch: .*length 5, the upload has 3 bytes/);
    const complete = (files: unknown, extra: Record<string, unknown> = {}) => platformError(client.apiCall('files.completeUploadExternal', { files: JSON.stringify(files), ...extra }));
    expect(await complete([{ id: slot.file_id }], { channel_id: 'C0LOCOPS' })).toMatchObject({ error: 'file_not_found' });
    expect(await complete([{ id: 'F0NOPE' }], { channel_id: 'C0LOCOPS' })).toMatchObject({ error: 'file_not_found' });
    expect(await complete([])).toMatchObject({ error: 'invalid_arguments' });
    expect(await platformError(client.apiCall('files.completeUploadExternal', { channel_id: 'C0LOCOPS' }))).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: files'] } });
    expect(await platformError(client.apiCall('files.completeUploadExternal', { files: 'not json' }))).toMatchObject({ error: 'invalid_arguments' });
    expect((await fetch(slot.upload_url!, { method: 'POST', body: 'abcde' })).status).toBe(200);
    // A refused share changes nothing: the file stays pending with its name, and shares afterwards.
    expect(await complete([{ id: slot.file_id, title: 'Renamed' }], { channel_id: 'C0NOPE' })).toMatchObject({ error: 'channel_not_found' });
    expect(await complete([{ id: slot.file_id, title: 'Renamed' }], { channel_id: 'C0LOCOPS', thread_ts: '1.000001' })).toMatchObject({ error: 'thread_not_found' });
    expect(standIn.workspace.uploads.get(slot.file_id!)).toMatchObject({ title: 'a.txt', complete: false, channels: [] });
    expect(standIn.workspace.messages).toHaveLength(0);
    await client.files.completeUploadExternal({ files: [{ id: slot.file_id!, title: 'Renamed' }], channel_id: 'C0LOCOPS' });
    expect(await complete([{ id: slot.file_id }], { channel_id: 'C0LOCOPS' })).toMatchObject({ error: 'file_not_found' });
    expect((await fetch(slot.upload_url!, { method: 'POST', body: 'abcde' })).status).toBe(404);
  });

  it("agrees with the bot's uploader: alt text over 1000 is cut by it, and a refused share says the report was not shared", async () => {
    const shared = await uploader().upload([{ filename: 'big.png', title: 'Chart', content: png(2, 2), altText: 'a'.repeat(1500) }], { channel: 'C0LOCOPS' });
    expect(standIn.workspace.uploads.get(shared[0]!.id)?.altText).toHaveLength(1000);
    const err = (await uploader().upload([{ filename: 'a.md', title: 'A', content: '# a' }], { channel: 'C0NOPE', purpose: 'the full report' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/the full report was not shared/);
  });
});

describe('images in views by slack_file', () => {
  const home = (id: string | undefined, url?: string) => ({
    type: 'home' as const,
    blocks: [{ type: 'image' as const, slack_file: url ? { url } : { id: id! }, alt_text: 'Connections now 12, peak 52', title: { type: 'plain_text' as const, text: 'Database' } }],
  });

  it('a private upload (no channel) is in no channel, shows on a Home tab by id or url_private, and is gone once deleted', async () => {
    const bytes = png(5, 4);
    const [chart] = await uploader().upload([{ filename: 'db-health.png', title: 'Database', content: bytes, altText: 'Connections now 12' }], { purpose: 'the Home tab chart' });
    expect(standIn.workspace.messages).toHaveLength(0);
    expect(standIn.workspace.uploads.get(chart!.id)).toMatchObject({ complete: true, channels: [], mimetype: 'image/png', width: 5, height: 4 });
    await client.views.publish({ user_id: ONCALL, view: home(chart!.id) });
    const info = (await client.files.info({ file: chart!.id })).file as { url_private: string };
    await client.views.publish({ user_id: ONCALL, view: home(undefined, info.url_private) });
    // The page loads it from the stand-in's own address, as an image.
    const served = await fetch(`${standIn.pageUrl}files/${chart!.id}/image`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);

    await uploader().delete(chart!.id);
    expect(standIn.workspace.uploads.has(chart!.id)).toBe(false);
    expect(await platformError(client.files.delete({ file: chart!.id }))).toMatchObject({ error: 'file_not_found' });
    expect(await platformError(client.views.publish({ user_id: ONCALL, view: home(chart!.id) }))).toMatchObject({ error: 'invalid_blocks', response_metadata: { messages: ['invalid slack_file: no such file [json-pointer:/view/blocks/0/slack_file]'] } });
  });

  it('refuses a slack_file that is unknown, still pending, or not an image; the Home tab stays as it was', async () => {
    const [text] = await uploader().upload([{ filename: 'r.md', title: 'Report', content: '# r' }], {});
    const pending = await client.files.getUploadURLExternal({ filename: 'p.png', length: 3 });
    const refused = async (id: string) => (await platformError(client.views.publish({ user_id: ONCALL, view: home(id) })))?.response_metadata?.messages;
    expect(await refused('F0NOPE')).toEqual(['invalid slack_file: no such file [json-pointer:/view/blocks/0/slack_file]']);
    expect(await refused(pending.file_id!)).toEqual(['invalid slack_file: no such file [json-pointer:/view/blocks/0/slack_file]']);
    expect(await refused(text!.id)).toEqual(['invalid slack_file: not an image (text/markdown) [json-pointer:/view/blocks/0/slack_file]']);
    expect(standIn.workspace.homes.has(ONCALL)).toBe(false);
  });
});

describe('direct messages', () => {
  it('posts to a user id in their DM with the bot, which conversations.open names too; reports go in its thread', async () => {
    const posted = await client.chat.postMessage({ channel: ONCALL, text: 'Full report of `/slowqueries` (200 findings), as files in this thread.' });
    expect(posted.channel).toMatch(/^D/);
    const opened = await client.conversations.open({ users: ONCALL });
    expect(opened).toMatchObject({ ok: true, no_op: true, already_open: true, channel: { id: posted.channel } });
    expect((await client.conversations.open({ users: ONCALL, return_im: true })).channel).toMatchObject({ id: posted.channel, is_im: true, user: ONCALL });
    expect((await client.conversations.open({ channel: posted.channel! })).channel).toMatchObject({ id: posted.channel });
    await uploader().upload([{ filename: 'slowqueries.md', title: 'Slow queries', content: '# all 200\n' }, { filename: 'slow-queries.png', title: 'Chart', content: png(4, 4), altText: 'Top statements by total time' }], { channel: posted.channel!, threadTs: posted.ts! });
    const replies = await client.conversations.replies({ channel: posted.channel!, ts: posted.ts! });
    expect((replies.messages![1] as { files: { name: string; mimetype: string }[] }).files.map((f) => [f.name, f.mimetype])).toEqual([
      ['slowqueries.md', 'text/markdown'],
      ['slow-queries.png', 'image/png'],
    ]);
    // The person sees their DM and what is in it; another person sees neither.
    const mine = await state(ONCALL);
    expect(mine.dm).toBe(posted.channel);
    expect(mine.channels.filter((c) => c.kind === 'im').map((c) => c.id)).toEqual([posted.channel]);
    expect(mine.messages.filter((m) => m.channel === posted.channel)).toHaveLength(2);
    const theirs = await state(MANAGER);
    expect(theirs.channels.some((c) => c.id === posted.channel)).toBe(false);
    expect(theirs.messages.some((m) => m.channel === posted.channel)).toBe(false);
    expect(theirs.channels.filter((c) => c.kind === 'im')).toHaveLength(1);
  });

  it('refuses what Slack refuses: no users, unknown ones, the bot itself, more than 8; a DM cannot be invited to, archived or joined', async () => {
    expect(await platformError(client.apiCall('conversations.open', {}))).toMatchObject({ error: 'users_list_not_supplied' });
    expect(await platformError(client.conversations.open({ users: 'U0NOPE' }))).toMatchObject({ error: 'user_not_found' });
    expect(await platformError(client.conversations.open({ users: standIn.botUserId }))).toMatchObject({ error: 'cannot_dm_bot' });
    expect(await platformError(client.conversations.open({ users: Array.from({ length: 9 }, (_, i) => `U0X${i}`).join(',') }))).toMatchObject({ error: 'too_many_users' });
    expect(await platformError(client.conversations.open({ channel: 'C0LOCOPS' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await platformError(client.chat.postMessage({ channel: 'U0NOPE', text: 'hi' }))).toMatchObject({ error: 'channel_not_found' });
    const dm = (await client.conversations.open({ users: APPROVER })).channel!.id!;
    expect(await platformError(client.conversations.invite({ channel: dm, users: MANAGER }))).toMatchObject({ error: 'method_not_supported_for_channel_type' });
    expect(await platformError(client.conversations.archive({ channel: dm }))).toMatchObject({ error: 'method_not_supported_for_channel_type' });
    expect(await platformError(client.conversations.join({ channel: dm }))).toMatchObject({ error: 'method_not_supported_for_channel_type' });
  });

  it('opens one group DM for the same people, listed only with types=mpim; the default list is public channels', async () => {
    const a = await client.conversations.open({ users: `${APPROVER},${SECOND}` });
    const b = await client.conversations.open({ users: `${SECOND},${APPROVER}` });
    expect(a.channel).toMatchObject({ is_mpim: true });
    expect(a).not.toHaveProperty('already_open');
    expect(b).toMatchObject({ no_op: true, already_open: true });
    expect(b.channel!.id).toBe(a.channel!.id);
    const names = (r: { channels?: { id?: string }[] }) => (r.channels ?? []).map((c) => c.id);
    expect(names(await client.conversations.list({}))).toEqual(['C0LOCOPS', 'C0LOCALERTS', 'C0LOCSTATUS']);
    expect(names(await client.conversations.list({ types: 'mpim' }))).toEqual([a.channel!.id]);
    expect(await client.conversations.list({ types: 'im' })).toMatchObject({ channels: expect.arrayContaining([expect.objectContaining({ is_im: true, user: ONCALL })]) });
    expect(await platformError(client.conversations.list({ types: 'dm' }))).toMatchObject({ error: 'invalid_types' });
    expect((await state(APPROVER)).channels.some((c) => c.id === a.channel!.id)).toBe(true);
    expect((await state(ONCALL)).channels.some((c) => c.id === a.channel!.id)).toBe(false);
  });
});
