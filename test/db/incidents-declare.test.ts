// Declaring, reminding and resolving exactly once: any number of retries or replicas (two
// StateStores on one database) get one incident per declaration key, one reminder per overdue
// due time and one 'resolved'. Reservations whose channel never came are never listed.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { RESERVATION_TTL_MS } from '../../src/incidents/service.js';
import { CADENCE_MS, declared, declareInput, incidentDb, T0 } from '../support/incidents.js';

const t = incidentDb({ replicas: 2, perTest: true });
const count = (sql: string, params: unknown[] = []) => t.count(sql, params);

describe('declare', () => {
  it('20 concurrent calls with one key create exactly one incident', async () => {
    const input = declareInput({ key: 'V0CONCURRENT' });
    const outs = await Promise.all(Array.from({ length: 20 }, (_v, i) => t.h.replicas[i % 2]!.service.declare(input)));
    expect(outs.filter((o) => o.created)).toHaveLength(1);
    expect(new Set(outs.map((o) => o.incident.id)).size).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM opsbot.incidents WHERE declare_key = 'V0CONCURRENT'`)).toBe(1);
    // The first due update comes from the severity's cadence.
    expect(outs[0]!.incident.nextUpdateDueAt?.getTime()).toBe(T0 + CADENCE_MS.P1);
  });

  it('a reservation is never listed; attachChannel makes it an incident, with its declared entry', async () => {
    const { incident } = await t.h.service.declare(declareInput({ title: 'Checkout is slow' }));
    expect(incident.channelId).toBeNull();
    expect(await t.h.service.listOpen()).toEqual([]);
    expect(await t.h.service.listRecent(1)).toEqual([]);
    expect((await t.h.service.stats(1)).total.count).toBe(0);

    const attached = await t.h.service.attachChannel(incident.id, { id: 'CWARROOM1', name: 'inc-20261201-checkout-slow' });
    // A retry of the attach changes nothing and writes no second entry.
    await t.h.replicas[1]!.service.attachChannel(incident.id, { id: 'CWARROOM1', name: 'inc-20261201-checkout-slow' });
    expect(attached.channelId).toBe('CWARROOM1');
    expect((await t.h.service.listOpen()).map((i) => i.id)).toEqual([incident.id]);
    expect((await t.h.service.byChannel('CWARROOM1'))?.id).toBe(incident.id);
    const timeline = await t.h.service.timeline(incident.id);
    expect(timeline.map((e) => e.text)).toEqual(["declared P1 Performance degradation 'Checkout is slow' (what users see: Pages load slowly)"]);
    await expect(t.h.service.attachChannel(incident.id, { id: 'COTHER1', name: 'other' })).rejects.toThrow(/already has its channel/);
  });

  it('abandon removes the reservation, leaves an audit row without a channel, and the key can be declared again', async () => {
    const input = declareInput();
    const first = await t.h.service.declare(input);
    await t.h.service.abandon(first.incident.id, 'conversations.create: name_taken three times');
    await t.h.service.abandon(first.incident.id, 'a second abandon is harmless');
    expect(await t.h.service.get(first.incident.id)).toBeUndefined();
    expect(await t.h.service.listOpen()).toEqual([]);
    const { rows } = await t.db.pool.query(`SELECT channel, outcome, detail FROM opsbot.audit_log WHERE action = 'incident.abandoned' AND (detail->>'incidentId')::int = $1`, [first.incident.id]);
    expect(rows).toEqual([{ channel: null, outcome: 'abandoned', detail: expect.objectContaining({ reason: 'conversations.create: name_taken three times' }) }]);

    const retry = await t.h.service.declare(input);
    expect(retry.created).toBe(true);
    expect(retry.incident.id).not.toBe(first.incident.id);
  });

  it('the sweep removes only reservations older than 10 minutes, each with an abandoned audit row', async () => {
    const stale = await t.h.service.declare(declareInput());
    const live = await declared(t.h.service);
    t.h.clock.advance(RESERVATION_TTL_MS - 60_000);
    const fresh = await t.h.service.declare(declareInput());
    t.h.clock.advance(2 * 60_000);
    const swept = await Promise.all([t.h.replicas[0]!.service.sweepReservations(), t.h.replicas[1]!.service.sweepReservations()]);
    expect(swept.flat()).toEqual([stale.incident.id]);
    expect(await t.h.service.get(stale.incident.id)).toBeUndefined();
    expect((await t.h.service.get(fresh.incident.id))?.channelId).toBeNull();
    expect((await t.h.service.get(live.id))?.channelId).toBe(live.channelId);
    expect(await count(`SELECT count(*) AS n FROM opsbot.audit_log WHERE action = 'incident.abandoned' AND (detail->>'incidentId')::int = $1 AND detail->>'reason' LIKE 'its channel was never created%'`, [stale.incident.id])).toBe(1);
    await expect(t.h.service.attachChannel(stale.incident.id, { id: 'CLATE1', name: 'inc-late' })).rejects.toThrow(/There is no incident/);
  });

  it('an incident with a channel cannot be abandoned', async () => {
    const inc = await declared(t.h.service);
    await expect(t.h.service.abandon(inc.id, 'oops')).rejects.toThrow(InputError);
    expect((await t.h.service.get(inc.id))?.channelId).toBe(inc.channelId);
  });

  it('a reservation whose channel never came is taken over by a retry after 10 minutes, not before', async () => {
    const input = declareInput();
    const first = await t.h.service.declare(input);
    t.h.clock.advance(RESERVATION_TTL_MS - 1000);
    expect((await t.h.service.declare(input)).created).toBe(false);
    t.h.clock.advance(2000);
    const outs = await Promise.all([t.h.replicas[0]!.service.declare(input), t.h.replicas[1]!.service.declare(input), t.h.service.declare(input)]);
    expect(outs.filter((o) => o.created)).toHaveLength(1);
    const taken = outs.find((o) => o.created)!.incident;
    expect(taken.id).toBe(first.incident.id);
    expect(taken.declaredAt.getTime()).toBe(T0 + RESERVATION_TTL_MS + 1000);
  });
});

describe('roles, status and resolve', () => {
  it('the first commander acknowledges; monitoring first mitigates; later changes keep the first times', async () => {
    const inc = await declared(t.h.service);
    t.h.clock.advance(5 * 60_000);
    const a = await t.h.service.setRole(inc.id, 'commander', 'U0ALICE', 'U0ALICE');
    expect(a.roles.commander).toBe('U0ALICE');
    expect(a.acknowledgedAt?.getTime()).toBe(T0 + 5 * 60_000);
    t.h.clock.advance(60_000);
    const b = await t.h.service.setRole(inc.id, 'commander', 'U0BOB', 'U0ALICE');
    expect(b.roles.commander).toBe('U0BOB');
    expect(b.acknowledgedAt?.getTime()).toBe(T0 + 5 * 60_000);
    const c = await t.h.service.setRole(inc.id, 'scribe', 'U0CAROL', 'U0CAROL');
    expect(c.roles).toEqual({ commander: 'U0BOB', scribe: 'U0CAROL' });

    t.h.clock.advance(60_000);
    expect((await t.h.service.setStatus(inc.id, 'identified', 'index missing on orders', 'U0BOB')).mitigatedAt).toBeNull();
    const m = await t.h.service.setStatus(inc.id, 'monitoring', 'index created', 'U0BOB');
    expect(m.mitigatedAt?.getTime()).toBe(T0 + 7 * 60_000);
    t.h.clock.advance(60_000);
    await t.h.service.setStatus(inc.id, 'identified', 'slow again', 'U0BOB');
    expect((await t.h.service.setStatus(inc.id, 'monitoring', 'better', 'U0BOB')).mitigatedAt?.getTime()).toBe(T0 + 7 * 60_000);
  });

  it('resolve sets mitigated when it never was; two replicas resolving at once: one resolved, one already', async () => {
    const inc = await declared(t.h.service);
    t.h.clock.advance(42 * 60_000);
    const outs = await Promise.all([t.h.replicas[0]!.service.resolve(inc.id, 'rolled back the deploy', 'U0ALICE'), t.h.replicas[1]!.service.resolve(inc.id, 'rolled back', 'U0BOB')]);
    expect(outs.map((o) => o.status).sort()).toEqual(['already', 'resolved']);
    const r = outs.find((o) => o.status === 'resolved')!.incident;
    expect(r).toMatchObject({ status: 'resolved', nextUpdateDueAt: null });
    expect(r.resolvedAt?.getTime()).toBe(T0 + 42 * 60_000);
    expect(r.mitigatedAt?.getTime()).toBe(T0 + 42 * 60_000);
    expect(await count(`SELECT count(*) AS n FROM opsbot.audit_log WHERE action = 'incident.resolved' AND (detail->>'incidentId')::int = $1`, [inc.id])).toBe(1);
    expect(await t.h.service.listOpen()).toEqual([]);
    expect(await t.h.service.byChannel(inc.channelId!)).toBeUndefined();
  });

  it('a resolved incident refuses changes and writes nothing', async () => {
    const inc = await declared(t.h.service);
    await t.h.service.resolve(inc.id, 'fixed', 'U0ALICE');
    const before = await count('SELECT count(*) AS n FROM opsbot.audit_log');
    await expect(t.h.service.setStatus(inc.id, 'identified', 'x', 'U0ALICE')).rejects.toThrow(new RegExp(`incident #${inc.id} is resolved`, 'i'));
    await expect(t.h.service.setSeverity(inc.id, 'P0', 'x', 'U0ALICE')).rejects.toThrow(InputError);
    await expect(t.h.service.setRole(inc.id, 'commander', 'U0BOB', 'U0BOB')).rejects.toThrow(InputError);
    await expect(t.h.service.addUpdate(inc.id, { status: 'monitoring', impact: 'x', nextSteps: '', nextUpdateMinutes: 30, by: 'U0ALICE' })).rejects.toThrow(InputError);
    await expect(t.h.service.pinMessage(inc.id, { channelId: inc.channelId!, ts: '1764583200.000100', author: 'U0ALICE', text: 'x', by: 'U0ALICE' })).rejects.toThrow(InputError);
    expect(await count('SELECT count(*) AS n FROM opsbot.audit_log')).toBe(before);
    expect((await t.h.service.get(inc.id))?.status).toBe('resolved');
  });
});

describe('stakeholder updates and overdue reminders', () => {
  it('two replicas claim one reminder per lapse; a new update makes a new lapse', async () => {
    const inc = await declared(t.h.service, { severity: 'P0', kind: 'data_breach' });
    await t.h.service.setRole(inc.id, 'commander', 'U0ALICE', 'U0ALICE');
    const claimAll = async () => (await Promise.all([t.h.replicas[0]!.service.claimOverdueReminders(), t.h.replicas[1]!.service.claimOverdueReminders()])).flat();

    t.h.clock.advance(CADENCE_MS.P0 - 1000);
    expect(await claimAll()).toEqual([]);
    t.h.clock.advance(61_000);
    const first = await claimAll();
    expect(first).toHaveLength(1);
    expect(first[0]!.incident.id).toBe(inc.id);
    expect(first[0]!.dueAt.getTime()).toBe(T0 + CADENCE_MS.P0);
    // Restarts and later ticks: nothing new for the same lapse.
    t.h.clock.advance(10 * 60_000);
    expect(await claimAll()).toEqual([]);

    const u = await t.h.service.addUpdate(inc.id, { status: 'identified', impact: 'Sessions revoked; logins slower', nextSteps: 'Rotate keys', nextUpdateMinutes: 15, by: 'U0ALICE' });
    expect(u).toMatchObject({ incidentId: inc.id, postedBy: 'U0ALICE', nextUpdateMinutes: 15, impact: 'Sessions revoked; logins slower' });
    const after = (await t.h.service.get(inc.id))!;
    expect(after.lastUpdateAt?.getTime()).toBe(t.h.clock.now());
    expect(after.nextUpdateDueAt?.getTime()).toBe(t.h.clock.now() + 15 * 60_000);
    t.h.clock.advance(15 * 60_000);
    const second = await claimAll();
    expect(second.map((r) => r.dueAt.getTime())).toEqual([after.nextUpdateDueAt!.getTime()]);
    expect(await claimAll()).toEqual([]);
    expect((await t.h.service.updates(inc.id)).map((x) => x.id)).toEqual([u.id]);
    const reminders = (await t.h.service.timeline(inc.id)).filter((e) => e.action === 'incident.reminder');
    expect(reminders.map((e) => e.text)).toEqual(['reminded the commander: the stakeholder update is overdue by 1 min', 'reminded the commander: the stakeholder update is overdue by 0 min']);

    // Resolved incidents are never reminded.
    await t.h.service.resolve(inc.id, 'contained', 'U0ALICE');
    t.h.clock.advance(3_600_000);
    expect(await claimAll()).toEqual([]);
  });

  it('a severity change moves the due time before any update; after one, only an escalation brings it forward', async () => {
    const inc = await declared(t.h.service, { severity: 'P2' });
    expect(inc.nextUpdateDueAt?.getTime()).toBe(T0 + CADENCE_MS.P2);
    t.h.clock.advance(10 * 60_000);
    const up = await t.h.service.setSeverity(inc.id, 'P0', 'customers affected', 'U0ALICE');
    expect(up.nextUpdateDueAt?.getTime()).toBe(T0 + 10 * 60_000 + CADENCE_MS.P0);

    await t.h.service.addUpdate(inc.id, { status: 'investigating', impact: 'Checkout down', nextSteps: '', nextUpdateMinutes: 20, by: 'U0ALICE' });
    const promised = T0 + 30 * 60_000;
    expect((await t.h.service.setSeverity(inc.id, 'P3', 'contained', 'U0ALICE')).nextUpdateDueAt?.getTime()).toBe(promised);
    expect((await t.h.service.setSeverity(inc.id, 'P0', 'back', 'U0ALICE')).nextUpdateDueAt?.getTime()).toBe(promised);
  });
});
