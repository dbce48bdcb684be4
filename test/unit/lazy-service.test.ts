// A lazily built service loads its module on the first call, once for concurrent callers, again
// after a failed load, and is not mistaken for a promise.
import { describe, expect, it } from 'vitest';
import { lazyService, once } from '../../src/app/lazy.js';

interface Greeter {
  greet(name: string): Promise<string>;
  count(): Promise<number>;
}

function greeter(prefix: string): Greeter {
  let n = 0;
  return {
    greet: (name) => Promise.resolve(`${prefix} ${name} #${++n}`),
    count: () => Promise.resolve(n),
  };
}

describe('lazyService', () => {
  it('builds the service on the first call, once, and passes calls through to it', async () => {
    let loads = 0;
    const g = lazyService<Greeter>(
      async () => {
        loads++;
        await new Promise((r) => setImmediate(r));
        return greeter('hello');
      },
      { greet: true, count: true },
    );
    expect(loads).toBe(0);
    const answers = await Promise.all([g.greet('a'), g.greet('b')]);
    expect(answers.sort()).toEqual(['hello a #1', 'hello b #2']);
    expect(await g.count()).toBe(2);
    expect(loads).toBe(1);
    // Awaiting the service itself must not call anything: it has no `then`.
    expect(await Promise.resolve(g)).toBe(g);
    expect(Object.keys(g).sort()).toEqual(['count', 'greet']);
  });

  it('a failed load fails that call and is tried again on the next', async () => {
    let loads = 0;
    const g = lazyService<Greeter>(
      () => (++loads === 1 ? Promise.reject(new Error('module missing')) : Promise.resolve(greeter('hi'))),
      { greet: true, count: true },
    );
    await expect(g.greet('a')).rejects.toThrow('module missing');
    expect(await g.greet('a')).toBe('hi a #1');
    expect(loads).toBe(2);
  });
});

describe('once', () => {
  it('computes on the first use only', () => {
    let made = 0;
    const value = once(() => ++made);
    expect(made).toBe(0);
    expect([value(), value()]).toEqual([1, 1]);
    expect(made).toBe(1);
  });
});
