// The Home tab's "last known status" per component, saved from every health report without a
// database write per caller: a burst of /health (a war room all typing it) shares one run, so
// every caller hands over the same report, and without this each of them would write it again —
// hundreds of upserts queued on the state store right when the acks of the next requests are
// due. Here a report already written is not written again, and reports that arrive while a
// write is under way are merged (the newest per component) into the next one.
import type { HomeStore } from '../home/store.js';

type HealthSaves = Pick<HomeStore, 'saveHealth'>;
type Item = Parameters<HomeStore['saveHealth']>[0][number];

export function coalescedHealthSaves(store: HealthSaves): HealthSaves {
  const pending = new Map<string, { item: Item; at: number }>();
  // What was last written per component, so the same report handed over again costs nothing.
  const written = new Map<string, string>();
  const fingerprint = (item: Item, at: number) => `${at} ${item.status} ${item.title}`;
  let writing: Promise<void> | undefined;

  const drain = async () => {
    try {
      // The other callers of the same report are still on their way here: let them arrive first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (pending.size > 0) {
        const byTime = new Map<number, Item[]>();
        for (const { item, at } of pending.values()) byTime.set(at, [...(byTime.get(at) ?? []), item]);
        pending.clear();
        for (const [at, items] of [...byTime].sort((a, b) => a[0] - b[0])) {
          await store.saveHealth(items, new Date(at));
          for (const item of items) written.set(item.component, fingerprint(item, at));
        }
      }
    } finally {
      // In the same turn as the last check of `pending`: a report handed over from now on starts
      // a new write rather than joining one that is already done.
      writing = undefined;
    }
  };

  return {
    saveHealth(components, checkedAt) {
      const at = checkedAt.getTime();
      let added = false;
      for (const item of components) {
        if (written.get(item.component) === fingerprint(item, at)) continue;
        const queued = pending.get(item.component);
        // An older report never replaces a newer one (the statement itself holds to that too).
        if (queued && queued.at > at) continue;
        pending.set(item.component, { item, at });
        added = true;
      }
      if (!added && !writing) return Promise.resolve();
      writing ??= drain();
      return writing;
    },
  };
}
