// What managers and the postmortem read: stats with known times (MTTA, MTTR by severity and
// kind), the open list's order, the stored postmortem (one per incident) — and bad input, which
// gets an InputError that says what to fix and writes nothing.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { KINDS, SEVERITIES } from '../../src/incidents/types.js';
import { declared, declareInput, incidentDb, T0 } from '../support/incidents.js';

const t = incidentDb({ perTest: true });

const MIN = 60_000;
/** Everything the service could have written: counts and the incident rows themselves. */
async function snapshot(): Promise<Record<string, unknown> | undefined> {
  const { rows } = await t.db.pool.query<Record<string, unknown>>(
    `SELECT (SELECT count(*) FROM opsbot.audit_log) AS audit, (SELECT count(*) FROM opsbot.incidents) AS incidents,
            (SELECT count(*) FROM opsbot.incident_updates) AS updates, (SELECT count(*) FROM opsbot.incident_pins) AS pins,
            (SELECT coalesce(json_agg(i ORDER BY id), '[]') FROM opsbot.incidents i) AS rows`,
  );
  return rows[0];
}

describe('stats', () => {
  it('MTTA and MTTR are means over the incidents declared in the window, by severity and by kind', async () => {
    // Outside the 30-day window: not counted.
    const old = await declared(t.h.service, { severity: 'P0', kind: 'data_breach' });
    await t.h.service.setRole(old.id, 'commander', 'U0ALICE', 'U0ALICE');
    t.h.clock.advance(31 * 86_400_000);
    const start = t.h.clock.now();

    // P0 outage: acknowledged after 4 min, resolved after 60 min.
    const a = await declared(t.h.service, { severity: 'P0', kind: 'service_outage' });
    t.h.clock.set(start + 4 * MIN);
    await t.h.service.setRole(a.id, 'commander', 'U0ALICE', 'U0ALICE');
    t.h.clock.set(start + 60 * MIN);
    await t.h.service.resolve(a.id, 'restarted', 'U0ALICE');

    // P0 breach declared at +10: acknowledged after 10 min, resolved after 120 min.
    t.h.clock.set(start + 10 * MIN);
    const b = await declared(t.h.service, { severity: 'P0', kind: 'data_breach' });
    t.h.clock.set(start + 20 * MIN);
    await t.h.service.setRole(b.id, 'commander', 'U0BOB', 'U0BOB');
    await t.h.service.setRole(b.id, 'commander', 'U0CAROL', 'U0BOB');
    t.h.clock.set(start + 130 * MIN);
    await t.h.service.resolve(b.id, 'keys rotated', 'U0BOB');

    // P1 performance declared at +30: acknowledged after 30 min, still open.
    t.h.clock.set(start + 30 * MIN);
    const c = await declared(t.h.service, { severity: 'P1', kind: 'performance' });
    t.h.clock.set(start + 60 * MIN);
    await t.h.service.setRole(c.id, 'commander', 'U0ALICE', 'U0ALICE');

    // P1 auth declared at +40: never acknowledged, resolved after 20 min. A reservation: never counted.
    t.h.clock.set(start + 40 * MIN);
    const d = await declared(t.h.service, { severity: 'P1', kind: 'auth_issues' });
    await t.h.service.declare(declareInput({ severity: 'P3' }));
    t.h.clock.set(start + 60 * MIN);
    await t.h.service.resolve(d.id, 'provider fixed it', 'U0ALICE');

    t.h.clock.set(start + 200 * MIN);
    const s = await t.h.service.stats(30);
    expect(s.days).toBe(30);
    expect(s.until.getTime()).toBe(start + 200 * MIN);
    expect(s.since.getTime()).toBe(start + 200 * MIN - 30 * 86_400_000);
    // Means are whole milliseconds.
    expect(s.total).toEqual({ count: 4, mttaMs: Math.round(((4 + 10 + 30) / 3) * MIN), mttrMs: Math.round(((60 + 120 + 20) / 3) * MIN) });
    expect(s.bySeverity).toEqual({
      P0: { count: 2, mttaMs: 7 * MIN, mttrMs: 90 * MIN },
      P1: { count: 2, mttaMs: 30 * MIN, mttrMs: 20 * MIN },
      P2: { count: 0, mttaMs: null, mttrMs: null },
      P3: { count: 0, mttaMs: null, mttrMs: null },
    });
    expect(s.byKind).toEqual({
      data_breach: { count: 1, mttaMs: 10 * MIN, mttrMs: 120 * MIN },
      service_outage: { count: 1, mttaMs: 4 * MIN, mttrMs: 60 * MIN },
      auth_issues: { count: 1, mttaMs: null, mttrMs: 20 * MIN },
      performance: { count: 1, mttaMs: 30 * MIN, mttrMs: null },
      other: { count: 0, mttaMs: null, mttrMs: null },
    });
    expect((await t.h.service.stats(90)).total.count).toBe(5);
    expect((await t.h.service.listRecent(30)).map((i) => i.id)).toEqual([d.id, c.id, b.id, a.id]);
  });

  it('with nothing declared every severity and kind is present with count 0 and null means', async () => {
    const s = await t.h.service.stats(7);
    expect(Object.keys(s.bySeverity)).toEqual([...SEVERITIES]);
    expect(Object.keys(s.byKind)).toEqual([...KINDS]);
    for (const v of [s.total, ...Object.values(s.bySeverity), ...Object.values(s.byKind)]) expect(v).toEqual({ count: 0, mttaMs: null, mttrMs: null });
  });
});

describe('lists', () => {
  it('listOpen: most severe first, then oldest first; resolved and reserved ones left out', async () => {
    const p2 = await declared(t.h.service, { severity: 'P2' });
    t.h.clock.advance(MIN);
    const p0late = await declared(t.h.service, { severity: 'P0' });
    t.h.clock.advance(MIN);
    const p1 = await declared(t.h.service, { severity: 'P1' });
    const gone = await declared(t.h.service, { severity: 'P0' });
    await t.h.service.resolve(gone.id, 'done', 'U0ALICE');
    t.h.clock.set(T0 - MIN);
    const p0early = await declared(t.h.service, { severity: 'P0' });
    await t.h.service.declare(declareInput({ severity: 'P0' }));
    expect((await t.h.service.listOpen()).map((i) => i.id)).toEqual([p0early.id, p0late.id, p1.id, p2.id]);
  });
});

describe('postmortem storage', () => {
  it('stores one draft per incident; the second save gets the stored one back', async () => {
    const inc = await declared(t.h.service);
    await t.h.service.resolve(inc.id, 'fixed', 'U0ALICE');
    const first = { incidentId: inc.id, source: 'offline' as const, offlineReason: 'no GEMINI_API_KEY', markdown: '# Postmortem\n\nfirst', createdAt: new Date(T0) };
    const outs = await Promise.all([t.h.service.savePostmortem(first), t.h.service.savePostmortem({ ...first, source: 'gemini', markdown: '# Postmortem\n\nsecond' })]);
    expect(outs.map((o) => o.status).sort()).toEqual(['already', 'saved']);
    expect(outs[0].postmortem).toEqual(outs[1].postmortem);
    const stored = await t.h.service.postmortem(inc.id);
    expect(stored).toEqual(outs[0].postmortem);
    expect(await t.h.service.postmortem(inc.id + 1000)).toBeUndefined();
    // The postmortem entry lands on the (resolved) incident's timeline through its incidentId.
    expect((await t.h.service.timeline(inc.id)).map((e) => e.action)).toEqual(['incident.declared', 'incident.resolved', 'incident.postmortem']);
  });
});

describe('bad input', () => {
  it('gets an InputError saying what to fix, and writes nothing', async () => {
    const inc = await declared(t.h.service);
    const before = await snapshot();
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => t.h.service.setStatus(inc.id, 'identified', 'x'.repeat(501), 'U0ALICE'), /note is too long \(501 characters; at most 500\)/],
      [() => t.h.service.setStatus(inc.id, 'identified', 'bad\u0000note', 'U0ALICE'), /control character \(U\+0000\)/],
      [() => t.h.service.setStatus(inc.id, 'identified', 'bad\u001bnote', 'U0ALICE'), /control character \(U\+001B\)/],
      [() => t.h.service.setStatus(inc.id, 'resolved' as 'identified', 'x', 'U0ALICE'), /\/incident resolve/],
      [() => t.h.service.setStatus(inc.id, 'investigating', 'x', 'U0ALICE'), /already investigating/],
      [() => t.h.service.setStatus(999_999, 'identified', 'x', 'U0ALICE'), /There is no incident #999999/],
      [() => t.h.service.setStatus(-3, 'identified', 'x', 'U0ALICE'), /not an incident number/],
      [() => t.h.service.setStatus(2 ** 40, 'identified', 'x', 'U0ALICE'), /not an incident number/],
      [() => t.h.service.setSeverity(inc.id, 'P9' as 'P0', 'x', 'U0ALICE'), /not a severity\. Use one of: P0, P1, P2, P3/],
      [() => t.h.service.setRole(inc.id, 'boss' as 'commander', 'U0ALICE', 'U0ALICE'), /not a role/],
      [() => t.h.service.setRole(inc.id, 'commander', '<!channel>', 'U0ALICE'), /Slack user id/],
      [() => t.h.service.addUpdate(inc.id, { status: 'identified', impact: '', nextSteps: '', nextUpdateMinutes: 30, by: 'U0ALICE' }), /impact is too short/],
      [() => t.h.service.addUpdate(inc.id, { status: 'identified', impact: 'x', nextSteps: '', nextUpdateMinutes: 0, by: 'U0ALICE' }), /whole number from 1 to 10080/],
      [() => t.h.service.addUpdate(inc.id, { status: 'identified', impact: 'x', nextSteps: '', nextUpdateMinutes: 2.5, by: 'U0ALICE' }), /whole number/],
      [() => t.h.service.pinMessage(inc.id, { channelId: inc.channelId!, ts: 'yesterday', author: 'U0A', text: 'x', by: 'U0ALICE' }), /message timestamp/],
      [() => t.h.service.resolve(inc.id, '   ', 'U0ALICE'), /resolution note is too short/],
      [() => t.h.service.resolve(999_999, 'fixed', 'U0ALICE'), /There is no incident #999999/],
      [() => t.h.service.linkLockdown(inc.id, "1'; DROP TABLE opsbot.incidents; --"), /not a lockdown id/],
      [() => t.h.service.timeline(999_999), /There is no incident/],
      [() => t.h.service.stats(0), /whole number from 1 to 3650/],
      [() => t.h.service.declare(declareInput({ title: '' })), /title is too short/],
      [() => t.h.service.declare(declareInput({ title: 't'.repeat(151) })), /title is too long/],
      [() => t.h.service.declare(declareInput({ severity: 'P5' as 'P0' })), /not a severity/],
      [() => t.h.service.declare(declareInput({ kind: 'meteor' as 'other' })), /not a kind of incident/],
      [() => t.h.service.declare(declareInput({ key: '' })), /no usable request id/],
      [() => t.h.service.attachChannel(inc.id + 1000, { id: 'CNEW1', name: 'inc-x' }), /There is no incident/],
      [() => t.h.service.attachChannel(inc.id, { id: 'not a channel', name: 'inc-x' }), /not a Slack channel id/],
    ];
    for (const [call, message] of cases) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, String(message)).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a second open incident cannot take a war room that is in use', async () => {
    const inc = await declared(t.h.service);
    const { incident } = await t.h.service.declare(declareInput());
    await expect(t.h.service.attachChannel(incident.id, { id: inc.channelId!, name: 'dup' })).rejects.toThrow(/already the war room of another open incident/);
    expect((await t.h.service.get(incident.id))?.channelId).toBeNull();
  });
});
