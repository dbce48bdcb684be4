// Long reports as files: the message keeps the top findings, the files have all of them
// (Markdown table, CSV safe to open in a spreadsheet, JSON); the uploader's three steps and
// what it says when one fails.
import { describe, expect, it } from 'vitest';
import { diagnosticFiles, findingCount, shortened } from '../../src/diagnostics/report-files.js';
import type { DiagnosticReport } from '../../src/diagnostics/types.js';
import { slackFileUploader, type SlackFilesClient } from '../../src/slack/files.js';

const REPORT: DiagnosticReport = {
  request: { command: 'db', topic: 'indexes' },
  command: '/db indexes',
  title: 'Indexes',
  status: 'warn',
  startedAt: '2026-11-25T08:00:00.000Z',
  durationMs: 12,
  database: 'postgres',
  notes: [],
  statsResetAt: null,
  sections: [
    { key: 'unused', title: 'Unused indexes', status: 'warn', summary: '8 unused', findings: Array.from({ length: 8 }, (_, i) => ({ status: 'warn' as const, title: `public.idx_${i}`, facts: ['2 MB', '0 scans'], data: { bytes: 2_000_000, name: i === 0 ? '=HYPERLINK("x")' : `idx_${i}` } })), omitted: 1, nextStep: 'Drop them.' },
    { key: 'fk', title: 'Unindexed foreign keys', status: 'warn', summary: '5', findings: Array.from({ length: 5 }, (_, i) => ({ status: 'warn' as const, title: `public.t${i}.fk | x`, facts: ['no index'], query: 'CREATE INDEX ON t (a)', data: { table: `t${i}` } })), omitted: 0, nextStep: 'Index them.' },
  ],
};

describe('report files', () => {
  it('the message keeps 10 findings in section order; the rest are counted', () => {
    const s = shortened(REPORT);
    expect(findingCount(s)).toBe(10);
    expect(s.sections.map((x) => [x.findings.length, x.omitted])).toEqual([[8, 1], [2, 3]]);
  });

  it('Markdown, CSV and JSON with every finding; CSV cells that look like formulas are defused', () => {
    const [md, csv, json] = diagnosticFiles(REPORT, 'America/New_York');
    expect(md!.filename).toBe('db-indexes-202611250800.md');
    expect(md!.content.match(/^\| warn \|/gm)).toHaveLength(13);
    expect(md!.content).toContain('public.t0.fk \\| x');
    const lines = csv!.content.trim().split('\n');
    expect(lines[0]).toBe('section,status,finding,bytes,name,table,query');
    expect(lines).toHaveLength(14);
    expect(csv!.content).toContain(`"'=HYPERLINK(""x"")"`);
    expect(JSON.parse(json!.content)).toEqual(REPORT);
  });
});

function fakeClient(calls: string[], o: { slot?: object; failComplete?: boolean; failDelete?: boolean } = {}): SlackFilesClient {
  return {
    files: {
      getUploadURLExternal: (a: { filename: string; length: number }) => {
        calls.push(`get ${a.filename} ${a.length}`);
        return Promise.resolve(o.slot ?? { ok: true, upload_url: `https://files.slack.test/u/${a.filename}`, file_id: `F${calls.length}` });
      },
      completeUploadExternal: (a: { files: { id: string }[]; channel_id?: string; thread_ts?: string }) => {
        calls.push(`complete ${a.files.map((f) => f.id).join(',')} ${'channel_id' in a ? a.channel_id : '(no channel)'} ${a.thread_ts ?? ''}`);
        return o.failComplete ? Promise.reject(Object.assign(new Error('x'), { code: 'slack_webapi_platform_error', data: { error: 'not_in_channel' } })) : Promise.resolve({ ok: true });
      },
      delete: (a: { file: string }) => {
        calls.push(`delete ${a.file}`);
        return o.failDelete ? Promise.reject(Object.assign(new Error('x'), { code: 'slack_webapi_platform_error', data: { error: 'file_deleted' } })) : Promise.resolve({ ok: true });
      },
    },
  } as unknown as SlackFilesClient;
}

describe('slackFileUploader', () => {
  it('asks for a slot per file, uploads the bytes, then shares them together in the thread', async () => {
    const calls: string[] = [];
    const posted: string[] = [];
    const up = slackFileUploader(() => fakeClient(calls), (url) => (posted.push(url as string), Promise.resolve(new Response('OK'))));
    const out = await up.upload([{ filename: 'a.md', title: 'A', content: 'hé' }, { filename: 'b.png', title: 'B', content: Buffer.alloc(10), altText: 'a chart' }], { channel: 'C1', threadTs: '1.2' });
    expect(calls).toEqual(['get a.md 3', 'get b.png 10', 'complete F1,F2 C1 1.2']);
    expect(posted).toEqual(['https://files.slack.test/u/a.md', 'https://files.slack.test/u/b.png']);
    expect(out.map((f) => f.title)).toEqual(['A', 'B']);
  });

  it('a refused upload POST names the file and the status; nothing is shared', async () => {
    const calls: string[] = [];
    const up = slackFileUploader(() => fakeClient(calls), () => Promise.resolve(new Response('no', { status: 500 })));
    await expect(up.upload([{ filename: 'a.md', title: 'A', content: 'x' }], { channel: 'C1' })).rejects.toThrow(/Slack's file service answered 500 to the upload of a\.md; the file was not shared/);
    expect(calls.some((c) => c.startsWith('complete'))).toBe(false);
  });

  it('no upload address, and a refused share, each say what to do', async () => {
    const noSlot = slackFileUploader(() => fakeClient([], { slot: { ok: true } }), () => Promise.resolve(new Response('OK')));
    await expect(noSlot.upload([{ filename: 'a.md', title: 'A', content: 'x' }], { channel: 'C1' })).rejects.toThrow(/Slack gave no upload address for a\.md/);
    const refused = slackFileUploader(() => fakeClient([], { failComplete: true }), () => Promise.resolve(new Response('OK')));
    await expect(refused.upload([{ filename: 'a.md', title: 'A', content: 'x' }], { channel: 'C1', purpose: 'the chart' })).rejects.toThrow(/Invite me first with `\/invite @opsbot`/);
  });

  it('without a channel the files are shared nowhere (private to the app, for image blocks); delete removes one', async () => {
    const calls: string[] = [];
    const up = slackFileUploader(() => fakeClient(calls), () => Promise.resolve(new Response('OK')));
    const [file] = await up.upload([{ filename: 'db-health.png', title: 'Database', content: Buffer.alloc(4), altText: 'a chart' }], { purpose: 'the Home tab chart' });
    expect(calls).toEqual(['get db-health.png 4', 'complete F1 (no channel) ']);
    await up.delete(file!.id);
    expect(calls.at(-1)).toBe('delete F1');
    const failing = slackFileUploader(() => fakeClient([], { failDelete: true }), () => Promise.resolve(new Response('OK')));
    await expect(failing.delete('F9')).rejects.toThrow(/Slack refused deleting the file F9 \(file_deleted\); it stays in Slack/);
  });
});
