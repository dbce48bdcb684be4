// The timeline fills itself: any audit row written in the war room (by any code, through
// state.audit) lands on the open incident with a sentence; rows elsewhere or after the resolve
// do not; lockdown playbook steps land on every open data breach wherever they were requested;
// a real playbook run in the channel shows requested → approved → finished with its row count.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackupService } from '../../src/backup/service.js';
import { parseBackupSettings } from '../../src/backup/settings.js';
import { systemClock } from '../../src/core/clock.js';
import { backupTools } from '../support/backup-tools.js';
import { engineHarness, seedOrg, type EngineHarness } from '../support/playbooks.js';
import { declared, incidentDb } from '../support/incidents.js';

const t = incidentDb();
let engine: EngineHarness;
beforeAll(() => {
  engine = engineHarness(t.db.url);
});
afterAll(async () => {
  await engine.close();
});

const texts = async (id: number) => (await t.h.service.timeline(id)).map((e) => e.text);

describe('the timeline', () => {
  it('takes any audit row written in the incident channel, not rows of other channels, and stops at the resolve', async () => {
    const inc = await declared(t.h.service, { title: 'API errors', severity: 'P0', kind: 'service_outage', userImpact: 'Chat returns errors' });
    const other = await declared(t.h.service);
    const ch = inc.channelId!;
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/health', channel: ch, outcome: 'ok', detail: { component: 'all', status: 'critical' } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/db', channel: ch, outcome: 'ok', detail: { topic: 'locks', status: 'warn' } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/slowqueries', channel: ch, outcome: 'ok', detail: { sort: 'total', status: 'ok' } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/logs summarize', channel: ch, outcome: 'ok', detail: { source: 'edge', headline: '502s from ai-chat since 14:02' } });
    await t.h.state.audit({ actor: 'U0BOB', action: 'command', target: '/lockdown start', channel: ch, outcome: 'refused', detail: { why: 'You are not in the on-call group <!here>' } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/health', channel: other.channelId!, outcome: 'ok', detail: { status: 'ok' } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/health', channel: 'CELSEWHERE', outcome: 'ok', detail: { status: 'ok' } });
    await t.h.service.setRole(inc.id, 'commander', 'U0ALICE', 'U0ALICE');
    await t.h.service.setRole(inc.id, 'scribe', 'U0CAROL', 'U0ALICE');
    await t.h.service.setStatus(inc.id, 'identified', 'a bad deploy of ai-chat', 'U0ALICE');
    await t.h.service.setSeverity(inc.id, 'P1', 'only some dealers', 'U0ALICE');
    await t.h.service.addUpdate(inc.id, { status: 'identified', impact: 'Chat fails for 10 % of dealers', nextSteps: 'Roll back', nextUpdateMinutes: 30, by: 'U0ALICE' });
    await t.h.service.resolve(inc.id, 'rolled back ai-chat', 'U0ALICE');
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/health', channel: ch, outcome: 'ok', detail: { status: 'ok' } });

    expect(await texts(inc.id)).toEqual([
      "declared P0 Service outage 'API errors' (what users see: Chat returns errors)",
      'ran `/health`: CRITICAL',
      'ran `/db locks`: WARN',
      'ran `/slowqueries total`: OK',
      'ran `/logs summarize edge` — 502s from ai-chat since 14:02',
      'was refused `/lockdown start`: You are not in the on-call group &lt;!here&gt;',
      'took the commander role',
      'gave the scribe role to <@U0CAROL>',
      'status investigating → identified: a bad deploy of ai-chat',
      'severity P0 → P1: only some dealers',
      'posted a stakeholder update: Chat fails for 10 % of dealers (next update in 30 min)',
      'resolved the incident: rolled back ai-chat',
    ]);
    const entries = await t.h.service.timeline(inc.id);
    expect(entries[1]).toMatchObject({ actor: 'U0ALICE', action: 'command', target: '/health', outcome: 'ok', detail: { status: 'critical' } });
    expect(await texts(other.id)).toEqual([expect.stringMatching(/^declared /), 'ran `/health`: OK']);
  });

  it('takes rows naming the incident in detail.incidentId from anywhere; a malformed id links nothing and fails nothing', async () => {
    const inc = await declared(t.h.service);
    await t.h.state.audit({ actor: 'opsbot', action: 'backup.created', target: '/backup', outcome: 'ok', detail: { incidentId: inc.id, backupId: 'b-20261201', sizeBytes: 2048, tables: 12 } });
    await t.h.state.audit({ actor: 'opsbot', action: 'custom.step', target: 'x', outcome: 'ok', detail: { incidentId: String(inc.id) } });
    for (const bad of ['abc', '99999999999999999999', `${inc.id}; DROP TABLE x`, { id: inc.id }, -1, 1.5]) {
      await t.h.state.audit({ actor: 'opsbot', action: 'custom.bad', outcome: 'ok', detail: { incidentId: bad } });
    }
    expect(await texts(inc.id)).toEqual([expect.stringMatching(/^declared /), 'backup `b-20261201` created, 2.00 KiB, 12 tables', '`custom.step` on `x`: ok']);
  });

  it('links lockdown playbook steps from another channel to open breach incidents, not to other kinds or resolved breaches', async () => {
    const breach = await declared(t.h.service, { severity: 'P0', kind: 'data_breach', title: 'Leaked key' });
    const closed = await declared(t.h.service, { severity: 'P0', kind: 'data_breach' });
    await t.h.service.resolve(closed.id, 'false alarm', 'U0ALICE');
    const perf = await declared(t.h.service, { kind: 'performance' });
    const requestId = '6f1d3a52-6a4e-4a4f-9d5e-5d1c0f7b2a11';
    const base = { target: 'lockdown-start', channel: 'C0OPSROOM', detail: { requestId, requestedBy: 'U0ALICE', playbook: 'lockdown-start' } };
    await t.h.state.audit({ ...base, actor: 'U0ALICE', action: 'playbook.requested', outcome: 'ok', detail: { ...base.detail, preview: { summary: 'revoke 42 sessions', count: 42 } } });
    await t.h.state.audit({ ...base, actor: 'U0BOB', action: 'playbook.approved', outcome: 'ok', detail: { ...base.detail, approvers: ['U0BOB'] } });
    await t.h.state.audit({ ...base, actor: 'U0BOB', action: 'playbook.finished', outcome: 'succeeded', detail: { ...base.detail, rowsAffected: 42, outcome: 'succeeded' } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'playbook.requested', target: 'kill-idle-connections', channel: 'C0OPSROOM', outcome: 'ok', detail: { requestId } });
    await t.h.state.audit({ actor: 'U0BOB', action: 'checklist.tick', target: 'checklist:7', channel: 'C0OPSROOM', outcome: 'ok', detail: { kind: 'lockdown.containment', changes: [{ itemKey: 'rotate-keys', action: 'ticked' }] } });
    await t.h.state.audit({ actor: 'U0BOB', action: 'checklist.tick', target: 'checklist:8', channel: 'C0OPSROOM', outcome: 'ok', detail: { kind: 'maintenance.pre', changes: [{ itemKey: 'backup', action: 'ticked' }] } });
    await t.h.state.audit({ actor: 'U0BOB', action: 'lockdown.reminder_done', target: 'lockdown:ab5b7c6e', channel: 'C0OPSROOM', outcome: 'ok' });
    await t.h.service.linkLockdown(breach.id, 'AB5B7C6E-1F5D-4D6C-8D7B-0A1B2C3D4E5F');

    expect((await texts(breach.id)).slice(1)).toEqual([
      `requested playbook \`lockdown-start\` (request \`${requestId}\`): revoke 42 sessions`,
      `approved playbook \`lockdown-start\` (request \`${requestId}\`)`,
      'playbook `lockdown-start` finished: succeeded, 42 rows',
      'ticked `rotate-keys` on the lockdown.containment checklist',
      'marked a lockdown notification deadline done',
      'linked lockdown `ab5b7c6e-1f5d-4d6c-8d7b-0a1b2c3d4e5f` to the incident',
    ]);
    expect((await t.h.service.get(breach.id))?.lockdownId).toBe('ab5b7c6e-1f5d-4d6c-8d7b-0a1b2c3d4e5f');
    expect((await texts(perf.id)).slice(1)).toEqual([]);
    expect((await texts(closed.id)).slice(1)).toEqual(['resolved the incident: false alarm']);
    expect((await t.h.service.auditFacts(breach.id)).map((r) => [r.action, r.target, r.actor])).toEqual([
      ['playbook.requested', 'lockdown-start', 'U0ALICE'],
      ['playbook.approved', 'lockdown-start', 'U0BOB'],
      ['playbook.finished', 'lockdown-start', 'U0BOB'],
      ['lockdown.reminder_done', 'lockdown:ab5b7c6e', 'U0BOB'],
    ]);
  });

  it("the linked lockdown's deadline rows reach a breach even after it is resolved; other lockdowns' and other actions' do not", async () => {
    const breach = await declared(t.h.service, { severity: 'P0', kind: 'data_breach' });
    const lockdownId = '0b7e2c1a-9d4f-4e8b-a3c2-5f6e7d8c9b0a';
    await t.h.service.linkLockdown(breach.id, lockdownId);
    await t.h.service.resolve(breach.id, 'contained', 'U0ALICE');
    await t.h.state.audit({ actor: 'opsbot', action: 'lockdown.reminder', target: `lockdown:${lockdownId}`, outcome: 'ok', detail: { lockdownId: lockdownId.toUpperCase(), kind: '72h', posts: 1 } });
    await t.h.state.audit({ actor: 'opsbot', action: 'lockdown.reminder', target: 'lockdown:other', outcome: 'ok', detail: { lockdownId: '11111111-2222-4333-8444-555555555555', kind: '72h', posts: 1 } });
    await t.h.state.audit({ actor: 'U0ALICE', action: 'command', target: '/lockdown status', outcome: 'ok', detail: { lockdownId } });
    await t.h.state.audit({ actor: 'U0BOB', action: 'lockdown.reminder_done', target: `lockdown:${lockdownId}`, channel: 'C0ELSEWHERE', outcome: 'ok', detail: { lockdownId, kind: '72h' } });
    expect((await texts(breach.id)).slice(-3)).toEqual([
      'resolved the incident: contained',
      'reminded: the 72 h breach notification deadline is due',
      'marked the 72 h lockdown notification deadline done',
    ]);
  });

  it('a real playbook run in the war room shows requested, approved, started and finished with its rows; auditFacts has them for the postmortem', async () => {
    const org = await seedOrg(t.db.pool);
    await t.db.pool.query(`INSERT INTO public.leads (organization_id, email) SELECT $1, 'lead' || g || '@test.com' FROM generate_series(1, 12) g`, [org]);
    const inc = await declared(t.h.service);
    const { request } = await engine.engine.request({ playbookId: 'clear-test-data', rawParams: {}, requestedBy: 'U0ALICE', channel: inc.channelId! });
    const approved = await engine.engine.approve(request.id, 'U0BOB');
    if (approved.kind !== 'started') throw new Error(`expected the run to start, got ${approved.kind}`);
    expect((await approved.done).state).toBe('succeeded');

    const lines = (await texts(inc.id)).slice(1);
    expect(lines[0]).toMatch(new RegExp(`^requested playbook \`clear-test-data\` \\(request \`${request.id}\`\\)`));
    expect(lines.slice(1)).toEqual([`approved playbook \`clear-test-data\` (request \`${request.id}\`)`, `playbook \`clear-test-data\` started (request \`${request.id}\`)`, 'playbook `clear-test-data` finished: succeeded, 12 rows']);
    const facts = await t.h.service.auditFacts(inc.id);
    const finished = facts.find((f) => f.action === 'playbook.finished')!;
    expect(finished.detail).toMatchObject({ approvers: ['U0BOB'], rowsAffected: 12, requestedBy: 'U0ALICE' });
    expect(facts.map((f) => f.action)).toEqual(['playbook.requested', 'playbook.approved', 'playbook.started', 'playbook.finished']);
  });

  it('a backup taken and verified from the war room is on its timeline (its audit rows carry the channel)', async (ctx) => {
    const tools = backupTools();
    if (tools.problem) ctx.skip(tools.problem);
    const dir = await mkdtemp(path.join(tmpdir(), 'opsbot-inc-backup-'));
    try {
      const settings = parseBackupSettings({ ...tools.env, BACKUP_LOCAL_DIR: dir, VERIFY_DATABASE_URL: t.db.serverUrl }, { databaseUrl: t.db.url, supabaseUrl: undefined, serviceRoleKey: undefined });
      const backups = createBackupService({ settings, state: t.h.state, clock: systemClock, logger: pino({ level: 'silent' }), timezone: 'UTC', searchPath: process.env.PATH });
      const inc = await declared(t.h.service, { kind: 'service_outage' });
      const elsewhere = await backups.backupNow({ actor: 'U0ALICE', channel: 'C0ELSEWHERE' });
      const entry = await backups.backupNow({ actor: 'U0ALICE', channel: inc.channelId! });
      expect(entry.state).toBe('succeeded');
      const verified = await backups.verify(entry.id, { actor: 'U0ALICE', channel: inc.channelId! });
      const lines = (await texts(inc.id)).slice(1);
      // The backup taken in another channel is not on it; retention run by the war room's backup is.
      expect(lines.filter((l) => !l.includes('pruned by the retention policy'))).toEqual([
        expect.stringMatching(new RegExp(`^backup \`${entry.id}\` created, .*, \\d+ tables$`)),
        `backup \`${entry.id}\` verified: ${verified.verdict}`,
      ]);
      expect(lines.filter((l) => l.includes(`${elsewhere.id}\` created`))).toEqual([]);
      const rows = (await t.h.service.timeline(inc.id)).filter((e) => e.action === 'backup.created' || e.action === 'backup.verified');
      expect(rows.map((e) => e.actor)).toEqual(['U0ALICE', 'U0ALICE']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('pins a person message once per message ts', async () => {
    const inc = await declared(t.h.service);
    const m = { channelId: inc.channelId!, ts: '1764583200.000100', author: 'U0DAVE', text: 'Saw 502s from <https://evil.example|the login page> & retries', by: 'U0ALICE', permalink: 'https://example.slack.com/archives/C1/p1764583200000100' };
    // The reaction and the shortcut at once (or two replicas): one entry.
    const outs = await Promise.all([t.h.service.pinMessage(inc.id, m), t.h.service.pinMessage(inc.id, { ...m, by: 'U0BOB' })]);
    expect(outs.sort()).toEqual(['added', 'already']);
    expect(await t.h.service.pinMessage(inc.id, m)).toBe('already');
    const pins = (await t.h.service.timeline(inc.id)).filter((e) => e.action === 'incident.pinned');
    expect(pins).toHaveLength(1);
    expect(pins[0]!.text).toBe('added a message by <@U0DAVE> to the timeline: “Saw 502s from &lt;https://evil.example|the login page&gt; &amp; retries”');
    expect(pins[0]!.detail).toMatchObject({ author: 'U0DAVE', ts: m.ts, permalink: m.permalink, text: m.text });
    expect(pins[0]!.text).toMatch(/^added a message by <@U0DAVE>/);
  });

  it('StateStore.audit still writes one plain audit row for callers outside incidents', async () => {
    const before = Number((await t.db.pool.query('SELECT count(*) AS n FROM opsbot.audit_log')).rows[0].n);
    await expect(t.h.state.audit({ actor: 'U0X', action: 'command', target: '/health', outcome: 'ok' })).resolves.toBeUndefined();
    const { rows } = await t.db.pool.query(`SELECT actor, action, target, channel, outcome, detail FROM opsbot.audit_log ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toEqual({ actor: 'U0X', action: 'command', target: '/health', channel: null, outcome: 'ok', detail: {} });
    expect(Number((await t.db.pool.query('SELECT count(*) AS n FROM opsbot.audit_log')).rows[0].n)).toBe(before + 1);
    const ids = await t.h.state.query('state/audit-insert', ['U0X', 'command', '/health', null, 'ok', '{}']);
    expect(ids).toEqual([{ id: expect.any(String), at: expect.any(Date) }]);
  });
});
