// Which breach a lockdown belongs to (issue 14: "a lockdown started from (or during) a data-breach
// incident is linked to it"): the flows' sweep links the latest lockdown to the breach whose war
// room started it, or, started elsewhere, to each open breach it began during — never to a breach
// declared after it, nor to another kind — and refreshes those cards once.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createIncidentFlows } from '../../src/incidents/flows.js';
import type { LinkedLockdown } from '../../src/incidents/render.js';
import type { ChatPoster } from '../../src/slack/chat-poster.js';
import { declared, incidentDb, T0 } from '../support/incidents.js';

const t = incidentDb({ perTest: true });
const MIN = 60_000;

function flowsWith(lockdown: () => LinkedLockdown | undefined) {
  const updates: { channel: string; text: string }[] = [];
  const chat: ChatPoster = {
    postMessage: () => Promise.reject(new Error('nothing is posted while linking lockdowns')),
    update: (m) => {
      updates.push({ channel: m.channel, text: JSON.stringify(m.blocks) });
      return Promise.resolve();
    },
  };
  const unused = () => Promise.reject(new Error('not used while linking lockdowns'));
  const flows = createIncidentFlows({
    incidents: t.h.service,
    settings: { statusChannel: undefined, privateChannels: false, channelPrefix: 'inc', declareAccess: 'read', updateMinutes: { P0: 30, P1: 60, P2: 240, P3: 1440 }, rateLimitWaitMs: 1000 },
    warRoom: { create: unused, invite: unused, pin: unused, archive: unused },
    chat,
    clock: t.h.clock,
    timezone: 'UTC',
    logger: pino({ level: 'silent' }),
    oncallMembers: () => Promise.resolve([]),
    lockdown: { latest: () => Promise.resolve(lockdown()), reminders: () => Promise.resolve([{ kind: '24h', dueAt: new Date(T0 + 24 * 60 * MIN), doneAt: null, doneBy: null }]) },
    postmortem: unused,
    upload: unused,
  });
  return { flows, updates };
}

const lockdown = (o: Partial<LinkedLockdown>): LinkedLockdown => ({
  id: '6f1d3a52-6a4e-4a4f-9d5e-5d1c0f7b2a11',
  state: 'active',
  reason: 'service-role key leaked',
  channel: 'C0OPS',
  approvedBy: 'U0APPROVER',
  activeSince: new Date(T0 + 10 * MIN),
  sessionsRevoked: 42,
  refreshTokensRevoked: 50,
  sessionsDoneAt: new Date(T0 + 10 * MIN),
  integrationsDoneAt: new Date(T0 + 10 * MIN),
  ...o,
});

async function withCard(over: Parameters<typeof declared>[1]) {
  const i = await declared(t.h.service, over);
  await t.h.service.setCard(i.id, '1700000000.000100');
  return (await t.h.service.get(i.id))!;
}

describe('linking a lockdown to its breach', () => {
  it('started elsewhere during open breaches: each of them (not other kinds, not breaches declared later), cards refreshed once', async () => {
    const breach = await withCard({ kind: 'data_breach', severity: 'P0', title: 'Key leaked' });
    const outage = await withCard({ kind: 'service_outage', severity: 'P0' });
    t.h.clock.set(T0 + 20 * MIN);
    const later = await withCard({ kind: 'data_breach', severity: 'P0', title: 'Another leak' });
    const { flows, updates } = flowsWith(() => lockdown({}));

    await flows.syncLockdowns();
    await flows.syncLockdowns();
    expect((await t.h.service.get(breach.id))?.lockdownId).toBe('6f1d3a52-6a4e-4a4f-9d5e-5d1c0f7b2a11');
    expect((await t.h.service.get(outage.id))?.lockdownId).toBeNull();
    expect((await t.h.service.get(later.id))?.lockdownId).toBeNull();
    expect(updates.map((u) => u.channel)).toEqual([breach.channelId]);
    expect(updates[0]!.text).toContain('*Lockdown* (active)');
    expect(updates[0]!.text).toMatch(/24h notifications due/);
    const linked = (await t.h.service.timeline(breach.id)).filter((e) => e.action === 'incident.lockdown_linked');
    expect(linked).toHaveLength(1);
  });

  it("started from a breach's war room: that breach only; a lockdown still starting links nothing", async () => {
    const room = await withCard({ kind: 'data_breach', severity: 'P0' });
    const other = await withCard({ kind: 'data_breach', severity: 'P0' });
    let current = lockdown({ state: 'starting', channel: room.channelId, activeSince: null });
    const { flows, updates } = flowsWith(() => current);
    await flows.syncLockdowns();
    expect(updates).toEqual([]);
    expect((await t.h.service.get(room.id))?.lockdownId).toBeNull();

    current = lockdown({ channel: room.channelId });
    await flows.syncLockdowns();
    expect((await t.h.service.get(room.id))?.lockdownId).toBe(current.id);
    expect((await t.h.service.get(other.id))?.lockdownId).toBeNull();
    expect(updates.map((u) => u.channel)).toEqual([room.channelId]);
  });
});
