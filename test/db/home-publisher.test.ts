// The Home tab's publishing on a real state store: openings and changes make views due, one
// viewer is published at most once per interval (changes coalesced), two replicas publish each
// due view once, a 429 holds every publish for its Retry-After, other failures back off and stop
// after MAX_FAILURES, a replica that dies mid-publish frees its viewers after the lease, and
// health reports are kept per component (never overwritten by an older one).
import type { View } from '@slack/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { createHomePublisher, LEASE_MS, MAX_FAILURES, type HomePublisher } from '../../src/home/publisher.js';
import { createHomeStore, type HomeStore } from '../../src/home/store.js';
import { createStateStore, type StateStore } from '../../src/state/store.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { silent } from '../support/playbooks.js';

let db: TestDatabase;
let state: StateStore;
let store: HomeStore;

beforeAll(async () => {
  db = await createTestDatabase();
  state = createStateStore({ url: db.url, logger: silent, connectTimeoutMs: 5000 });
  store = createHomeStore(state);
});
beforeEach(async () => {
  await db.pool.query('DELETE FROM opsbot.home_viewers; DELETE FROM opsbot.home_health');
});
afterAll(async () => {
  await state.close();
  await db.drop();
});

const HOUR = 3_600_000;
const settings = { recentViewerMs: 24 * HOUR, republishMs: 10_000 };

interface Harness {
  home: HomePublisher;
  published: { user: string; version: number }[];
  /** What the next views.publish calls answer (an error to throw), in order; then success. */
  failures: Error[];
  /** Bumped by a test to tell views apart. */
  version: { n: number };
}

function harness(clock: ReturnType<typeof fixedClock>, shared?: { published: Harness['published']; version: Harness['version'] }): Harness {
  const published = shared?.published ?? [];
  const version = shared?.version ?? { n: 0 };
  const failures: Error[] = [];
  const home = createHomePublisher<number>({
    store,
    content: {
      load: () => Promise.resolve(version.n),
      viewFor: (v, viewer) => Promise.resolve({ type: 'home', private_metadata: JSON.stringify({ viewer, v }), blocks: [] } satisfies View),
    },
    publish: async (user, view) => {
      // A real call takes a moment: two replicas overlap.
      await new Promise((r) => setTimeout(r, 5));
      const f = failures.shift();
      if (f) throw f;
      published.push({ user, version: (JSON.parse(view.private_metadata!) as { v: number }).v });
    },
    clock,
    logger: silent,
    settings,
  });
  // Timers stay off: each test flushes by hand, at the times it sets.
  home.stop();
  return { home, published, failures, version };
}

const row = async (user: string) => (await state.query<{ failures: number; last_error: string | null; not_before: Date | null }>('home/viewer-get', [user]))[0];

describe('Home tab publishing', () => {
  it('publishes an opening at once, then at most once per interval, coalescing the changes in between', async () => {
    const clock = fixedClock(Date.parse('2026-12-07T14:00:00Z'));
    const h = harness(clock);
    await h.home.opened('U0APPROVER');
    expect(h.published).toEqual([{ user: 'U0APPROVER', version: 0 }]);
    // Three changes within the interval: nothing yet, then one publish with the latest state.
    for (const v of [1, 2, 3]) {
      clock.advance(1000);
      h.version.n = v;
      h.home.changed();
      await h.home.idle();
      await h.home.flush();
    }
    expect(h.published).toHaveLength(1);
    expect(await store.nextDue(new Date(clock.now() - settings.recentViewerMs))).toEqual(new Date(Date.parse('2026-12-07T14:00:10Z')));
    clock.advance(7000);
    expect(await h.home.flush()).toBe(1);
    expect(h.published).toEqual([{ user: 'U0APPROVER', version: 0 }, { user: 'U0APPROVER', version: 3 }]);
    // Nothing changed since: nothing more.
    clock.advance(60_000);
    expect(await h.home.flush()).toBe(0);
  });

  it('republishes only viewers who opened the tab recently, and prunes the others', async () => {
    const clock = fixedClock(Date.parse('2026-12-07T14:00:00Z'));
    const h = harness(clock);
    await h.home.opened('U0OLD');
    clock.advance(25 * HOUR);
    await h.home.opened('U0NEW');
    h.published.length = 0;
    clock.advance(60_000);
    h.home.changed();
    await h.home.idle();
    await h.home.flush();
    expect(h.published.map((p) => p.user)).toEqual(['U0NEW']);
    expect(await h.home.prune()).toBe(1);
    expect(await row('U0OLD')).toBeUndefined();
  });

  it('two replicas on one store publish each due view once', async () => {
    const clock = fixedClock(Date.parse('2026-12-07T14:00:00Z'));
    const a = harness(clock);
    const b = harness(clock, { published: a.published, version: a.version });
    const users = Array.from({ length: 15 }, (_, i) => `U0VIEW${i}`);
    for (const u of users) await store.opened(u, new Date(clock.now()));
    await Promise.all([a.home.flush(), b.home.flush(), a.home.flush(), b.home.flush()]);
    expect(a.published.map((p) => p.user).sort()).toEqual([...users].sort());
    clock.advance(30_000);
    a.version.n = 1;
    a.home.changed();
    b.home.changed();
    await Promise.all([a.home.idle(), b.home.idle()]);
    await Promise.all([a.home.flush(), b.home.flush()]);
    const second = a.published.filter((p) => p.version === 1).map((p) => p.user).sort();
    expect(second).toEqual([...users].sort());
  });

  it('holds every publish for a 429\'s Retry-After, then publishes', async () => {
    const clock = fixedClock(Date.parse('2026-12-07T14:00:00Z'));
    const h = harness(clock);
    h.failures.push(Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 30 }));
    await store.opened('U0A', new Date(clock.now()));
    await store.opened('U0B', new Date(clock.now() + 1));
    clock.advance(5);
    expect(await h.home.flush()).toBe(0);
    expect(await row('U0A')).toMatchObject({ failures: 1, last_error: 'rate limited (Retry-After 30 s)' });
    // The second viewer was handed back for after the pause, not counted as a failure.
    expect(await row('U0B')).toMatchObject({ failures: 0, last_error: 'waiting for Slack rate limit' });
    clock.advance(29_000);
    expect(await h.home.flush()).toBe(0);
    clock.advance(1500);
    expect(await h.home.flush()).toBe(2);
    expect(await row('U0A')).toMatchObject({ failures: 0, last_error: null });
  });

  it('backs off on errors and stops after MAX_FAILURES; the next change makes the view due again', async () => {
    const clock = fixedClock(Date.parse('2026-12-07T14:00:00Z'));
    const h = harness(clock);
    for (let i = 0; i < MAX_FAILURES + 2; i++) h.failures.push(Object.assign(new Error('An API error occurred: internal_error'), { code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }));
    let attempts = 0;
    await store.opened('U0A', new Date(clock.now()));
    for (let i = 0; i < 20; i++) {
      const before = h.failures.length;
      await h.home.flush();
      attempts += before - h.failures.length;
      clock.advance(10 * 60_000);
    }
    expect(attempts).toBe(MAX_FAILURES);
    expect(h.published).toHaveLength(0);
    expect(await row('U0A')).toMatchObject({ failures: MAX_FAILURES, last_error: 'Slack error internal_error' });
    // The change is dropped, not the viewer: the next change is tried (and this time it works).
    h.failures.length = 0;
    h.home.changed();
    await h.home.idle();
    expect(await h.home.flush()).toBe(1);
  });

  it('a replica that dies after claiming leaves the viewer due once the lease runs out', async () => {
    const clock = fixedClock(Date.parse('2026-12-07T14:00:00Z'));
    const h = harness(clock);
    await store.opened('U0A', new Date(clock.now()));
    const now = clock.now();
    expect(await store.claim(new Date(now), new Date(now + LEASE_MS), new Date(now - HOUR), 10)).toHaveLength(1);
    expect(await h.home.flush()).toBe(0);
    clock.advance(LEASE_MS + 1);
    expect(await h.home.flush()).toBe(1);
  });

  it('keeps the newest status of each component', async () => {
    const at = Date.parse('2026-12-07T14:00:00Z');
    await store.saveHealth([{ component: 'database', title: 'Database', status: 'critical' }, { component: 'edge', title: 'AI edge function', status: 'ok' }], new Date(at));
    await store.saveHealth([{ component: 'database', title: 'Database', status: 'ok' }], new Date(at + 60_000));
    await store.saveHealth([{ component: 'database', title: 'Database', status: 'warn' }], new Date(at - 60_000));
    expect(await store.health()).toEqual([
      { component: 'database', title: 'Database', status: 'ok', checkedAt: new Date(at + 60_000) },
      { component: 'edge', title: 'AI edge function', status: 'ok', checkedAt: new Date(at) },
    ]);
  });
});
