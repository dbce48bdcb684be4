import { describe, expect, it } from 'vitest';
import { groupingAccuracy, measureGrouping } from '../../../src/logs/accuracy.js';
import { createDrain } from '../../../src/logs/drain.js';
import { maskMessage } from '../../../src/logs/masks.js';
import { AUTH_SET, EDGE_SET, labelledSet, POSTGRES_SET } from '../../fixtures/logs/supabase-sets.js';

describe('grouping accuracy on realistic Supabase log sets (ground truth per line)', () => {
  for (const spec of [EDGE_SET, POSTGRES_SET, AUTH_SET]) {
    it(`${spec.name}: grouping accuracy ≥ 0.9, as measured by \`logs parse\``, () => {
      const set = labelledSet(spec, 4000);
      const { ga, found, truth } = measureGrouping(set.lines, set.truth);
      console.info(`grouping accuracy ${spec.name}: ${ga.toFixed(3)} (${found} templates found, ${truth} true)`);
      expect(ga).toBeGreaterThanOrEqual(0.9);
    });
  }
});

describe('grouping accuracy metric', () => {
  it('counts a line as correct only when its whole group matches the true group', () => {
    expect(groupingAccuracy([1, 1, 2, 2], ['a', 'a', 'b', 'b'])).toBe(1);
    // Group 1 merges a and b: those three lines are wrong; group 2 is exactly b? no, b is split.
    expect(groupingAccuracy([1, 1, 1, 2], ['a', 'a', 'b', 'b'])).toBe(0);
    expect(groupingAccuracy([1, 1, 2, 3], ['a', 'a', 'b', 'b'])).toBe(0.5);
  });
});

describe('masks', () => {
  it('replaces generic parameters with typed masks and keeps words', () => {
    expect(maskMessage('Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010')).toBe(
      'Receiving block blk_<NUM> src: /<IP> dest: /<IP>',
    );
    expect(maskMessage('took 123ms, then 1.5 s; at 2026-05-20T09:00:00.123Z id 8f14e45f-ceea-467a-9af0-3c3d2d6c8f2a')).toBe(
      'took <DUR>, then <DUR>; at <TS> id <UUID>',
    );
    expect(maskMessage('connection from 1.2.3.4 (host) at Sun Jul 10 14:13:27 2005')).toBe('connection from <IP> (host) at <TS>');
    expect(maskMessage('Deleting /var/lib/nova/instances/abc file 0x1f3a and hash 3f786850e387550fdab836ed7e6dc881de23001b')).toBe(
      'Deleting <PATH> file <HEX> and hash <HEX>',
    );
    expect(maskMessage('r48=0x1 fpr12=0x2 core.2275')).toBe('r<NUM>=<HEX> fpr<NUM>=<HEX> core.<NUM>');
    expect(maskMessage('request completed')).toBe('request completed');
  });

  it('makes a list of values one parameter, whatever its length', () => {
    expect(maskMessage('transfer block blk_1 to 10.0.0.1:50010, 10.0.0.2:50010, 10.0.0.3:50010')).toBe('transfer block blk_<NUM> to <IP>,');
    expect(maskMessage('Fan speeds ( 3961 3926 3425 )')).toBe('Fan speeds ( <NUM> )');
    // Values separated by words stay apart.
    expect(maskMessage('from 1.2.3.4 port 22')).toBe('from <IP> port <NUM>');
    expect(maskMessage('<b> <i> bold')).toBe('<b> <i> bold');
  });

  it('keeps a quoted value of several words together as one token, shown with its spaces', () => {
    const d = createDrain();
    const a = d.add('acquire lock=1, tag="View Lock", name=com.android.systemui, uid=10037');
    const b = d.add('acquire lock=2, tag="*alarm*", name=android, uid=1000');
    const c = d.add('acquire lock=3, tag="Audio Mix Thread Lock", name=android, uid=1000');
    expect(d.resolve(a)).toBe(d.resolve(b));
    expect(d.resolve(c)).toBe(d.resolve(b));
    expect(d.template(a)).toBe('acquire lock=<NUM>, <*> <*> uid=<NUM>');
    const e = createDrain();
    const x = e.add('column "first name" does not exist');
    expect(e.template(x)).toBe('column "first name" does not exist');
    // An unbalanced quote joins nothing.
    expect(maskMessage('name=android", ws=null uid=1')).toBe('name=android", ws=null uid=<NUM>');
  });

  it('does not read a hex id with a final d or s as a duration', () => {
    expect(maskMessage('CSI 0000004d Created NT transaction')).toBe('CSI <HEX> Created NT transaction');
    expect(maskMessage('slot 04d')).toBe('slot <NUM>d');
    expect(maskMessage('took 1m05s, then 2h05m')).toBe('took <DUR>, then <DUR>');
    expect(maskMessage('waited 40d then 15s then 0.5ms')).toBe('waited <DUR> then <DUR> then <DUR>');
  });
});

describe('Drain miner', () => {
  it('groups lines that differ in parameters and separates different messages', () => {
    const d = createDrain();
    const a = d.add('Failed password for root from 1.2.3.4 port 22 ssh2');
    const b = d.add('Failed password for admin from 5.6.7.8 port 2222 ssh2');
    const c = d.add('Accepted password for root from 1.2.3.4 port 22 ssh2');
    const e = d.add('Connection closed by 1.2.3.4 [preauth]');
    expect(d.resolve(a)).toBe(d.resolve(b));
    expect(d.resolve(a)).not.toBe(d.resolve(c));
    expect(d.resolve(e)).not.toBe(d.resolve(a));
    expect(d.template(a)).toBe('Failed password for <*> from <IP> port <NUM> ssh<NUM>');
  });

  it('merges clusters whose templates became identical, and one-word variable-length parameters', () => {
    const d = createDrain();
    const ids = [
      d.add('REPORT : 1 2 3 4'),
      d.add('REPORT : 5 6 7 8'),
      d.add('chrome.exe - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS'),
      d.add('svchost.exe *64 - proxy.example.com:5070 open through proxy proxy.example.com:5070 HTTPS'),
      d.add('Dropbox.exe - www.example.com:443 open through proxy proxy.example.com:5070 HTTPS'),
    ].map((id) => d.resolve(id));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[3]).toBe(ids[2]);
    expect(ids[4]).toBe(ids[2]);
  });

  it('keeps memory bounded: beyond maxClusters the least recently used clusters are evicted', () => {
    const evicted: number[] = [];
    const d = createDrain({ maxClusters: 50, onEvict: (id) => evicted.push(id) });
    const keep = d.add('heartbeat ok');
    // Words that share nothing with each other: every line is a new template.
    const word = (i: number, salt: string) => `${salt}${[...i.toString(26)].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}`;
    for (let i = 0; i < 500; i++) {
      d.add(`${word(i, 'p')} ${word(i, 'q')} ${word(i, 'r')}`);
      d.add('heartbeat ok');
    }
    expect(d.clusters().length).toBeLessThanOrEqual(50);
    expect(d.evicted).toBeGreaterThan(0);
    expect(evicted.length).toBe(d.evicted);
    // The busy cluster was used all along and survives.
    expect(d.template(keep)).toBe('heartbeat ok');
  });

  it('routes a token with a value in it like a parameter, whichever mask its value got', () => {
    const d = createDrain();
    const a = d.add('attempt_1445144423722_0019_m_000006_0 TaskAttempt Transitioned from RUNNING to SUCCEEDED');
    const b = d.add('attempt_1445144423722_0019_r_000000_0 TaskAttempt Transitioned from NEW to UNASSIGNED');
    const c = d.add('CSI 00000001 Creating NT transaction (seq 3)');
    const e = d.add('CSI 0000001a Creating NT transaction (seq 2)');
    expect(d.resolve(a)).toBe(d.resolve(b));
    expect(d.resolve(c)).toBe(d.resolve(e));
  });

  it('gives identical lines the same id and routes words, not parameters, through the tree', () => {
    const d = createDrain();
    const x = d.add('user 42 logged in');
    const y = d.add('user 42 logged in');
    const z = d.add('user 7 logged in');
    expect(x).toBe(y);
    expect(d.resolve(z)).toBe(d.resolve(x));
  });
});
