// The Home tab's health status is written once per report, however many /health callers shared
// it; reports arriving during a write are merged into the next one, newest per component.
import { describe, expect, it } from 'vitest';
import { coalescedHealthSaves } from '../../src/app/health-saves.js';
import type { Status } from '../../src/health/types.js';

type Saved = { items: { component: string; status: Status }[]; at: string };

function fakeStore() {
  const writes: Saved[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  let fail = false;
  return {
    writes,
    holdNext: () => (hold = true),
    release: () => release?.(),
    failNext: () => (fail = true),
    store: {
      async saveHealth(components: readonly { component: string; title: string; status: Status }[], at: Date) {
        if (fail) {
          fail = false;
          throw new Error('state store down');
        }
        if (hold) {
          hold = false;
          await new Promise<void>((r) => (release = r));
        }
        writes.push({ items: components.map((c) => ({ component: c.component, status: c.status })), at: at.toISOString() });
      },
    },
  };
}

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 14, 0, s));
const db = (status: Status) => ({ component: 'database', title: 'Database', status });
const edge = (status: Status) => ({ component: 'edge', title: 'AI edge function', status });

describe('coalescedHealthSaves', () => {
  it('writes a report shared by 200 callers once, and all of them hear it is saved', async () => {
    const f = fakeStore();
    const saves = coalescedHealthSaves(f.store);
    const report = [db('warn'), edge('ok')];
    await Promise.all(Array.from({ length: 200 }, () => saves.saveHealth(report, at(0))));
    expect(f.writes).toEqual([{ items: [{ component: 'database', status: 'warn' }, { component: 'edge', status: 'ok' }], at: at(0).toISOString() }]);
    // Handed over again later (a caller that was slow to get there): nothing to write.
    await saves.saveHealth(report, at(0));
    expect(f.writes).toHaveLength(1);
  });

  it('merges reports that arrive during a write: the newest per component, in time order', async () => {
    const f = fakeStore();
    const saves = coalescedHealthSaves(f.store);
    f.holdNext();
    const first = saves.saveHealth([db('ok'), edge('ok')], at(0));
    await new Promise((r) => setImmediate(r));
    // While the first write waits on the database: a newer database report, then an older one.
    const newer = saves.saveHealth([db('critical')], at(10));
    const older = saves.saveHealth([db('warn'), edge('warn')], at(5));
    f.release();
    await Promise.all([first, newer, older]);
    expect(f.writes).toEqual([
      { items: [{ component: 'database', status: 'ok' }, { component: 'edge', status: 'ok' }], at: at(0).toISOString() },
      { items: [{ component: 'edge', status: 'warn' }], at: at(5).toISOString() },
      { items: [{ component: 'database', status: 'critical' }], at: at(10).toISOString() },
    ]);
  });

  it('a failed write is reported to its callers and not taken for written', async () => {
    const f = fakeStore();
    const saves = coalescedHealthSaves(f.store);
    f.failNext();
    const report = [db('critical')];
    await expect(Promise.all([saves.saveHealth(report, at(0)), saves.saveHealth(report, at(0))])).rejects.toThrow('state store down');
    await saves.saveHealth(report, at(0));
    expect(f.writes).toEqual([{ items: [{ component: 'database', status: 'critical' }], at: at(0).toISOString() }]);
  });

  it('a changed status at the same time is written (it is another report)', async () => {
    const f = fakeStore();
    const saves = coalescedHealthSaves(f.store);
    await saves.saveHealth([db('ok')], at(0));
    await saves.saveHealth([db('critical')], at(0));
    expect(f.writes.map((w) => w.items[0]?.status)).toEqual(['ok', 'critical']);
  });
});
