// Callers resumed together take turns one per turn of the event loop, in arrival order, so I/O
// that became ready in between (a request waiting for its ack) is handled before the next one.
import { describe, expect, it } from 'vitest';
import { takeTurns } from '../../src/app/turns.js';

describe('takeTurns', () => {
  it('resumes waiting callers one per event-loop turn, first come first served, with I/O read in between', async () => {
    const turn = takeTurns();
    const events: string[] = [];
    // Three callers resumed by the same settled promise, as the callers of one shared run are.
    const shared = Promise.resolve();
    const callers = ['a', 'b', 'c'].map(async (name) => {
      await shared;
      await turn();
      events.push(`answer ${name}`);
      // Work a caller starts during its turn (here: something that is ready on the next check).
      setImmediate(() => events.push(`after ${name}`));
    });
    await Promise.all(callers);
    await new Promise((r) => setImmediate(r));
    // Each answer is on its own turn: what the previous answer queued for the next turn ran first.
    expect(events).toEqual(['answer a', 'after a', 'answer b', 'after b', 'answer c', 'after c']);
  });

  it('a lone caller waits one turn only, and the next burst starts afresh', async () => {
    const turn = takeTurns();
    let resumed = false;
    const p = turn().then(() => (resumed = true));
    expect(resumed).toBe(false);
    await p;
    expect(resumed).toBe(true);
    await Promise.all([turn(), turn()]);
  });
});
