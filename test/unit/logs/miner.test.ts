import { describe, expect, it } from 'vitest';
import { groupingAccuracy, measureGrouping } from '../../../src/logs/accuracy.js';
import { createTemplateMiner } from '../../../src/logs/miner.js';
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
    // A path's query string belongs to it.
    expect(maskMessage('GET /v2/servers/detail?changes-since=2017-05-16T12%3A00%3A00Z done')).toBe('GET <PATH> done');
  });

  it('makes a list of values one parameter, whatever its length', () => {
    expect(maskMessage('transfer block blk_1 to 10.0.0.1:50010, 10.0.0.2:50010, 10.0.0.3:50010')).toBe('transfer block blk_<NUM> to <IP>,');
    // A bracketed span with spaces is one token (its spaces are no-break spaces).
    expect(maskMessage('Fan speeds ( 3961 3926 3425 )')).toBe('Fan speeds (\u00a0<NUM>\u00a0<NUM>\u00a0<NUM>\u00a0)');
    // A size printed with a space, with or without a second form in parentheses, is one value.
    expect(maskMessage('close, 120 bytes sent')).toBe(maskMessage('close, 3401 bytes (3.32 KB) sent'));
    // Values separated by words stay apart.
    expect(maskMessage('from 1.2.3.4 port 22')).toBe('from <IP> port <NUM>');
    expect(maskMessage('<b> <i> bold')).toBe('<b> <i> bold');
  });

  it('keeps a quoted value of several words together as one token, shown with its spaces', () => {
    const d = createTemplateMiner();
    const a = d.add('acquire lock=1, tag="View Lock", name=com.android.systemui, uid=10037');
    const b = d.add('acquire lock=2, tag="*alarm*", name=android, uid=1000');
    const c = d.add('acquire lock=3, tag="Audio Mix Thread Lock", name=android, uid=1000');
    expect(d.resolve(a)).toBe(d.resolve(b));
    expect(d.resolve(c)).toBe(d.resolve(b));
    // The keys every line prints stay; the values are parameters.
    expect(d.template(a)).toBe('acquire lock=<NUM>, tag=<*>, name=<*>, uid=<NUM>');
    const e = createTemplateMiner();
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

describe('frequency-based template miner', () => {
  const users = ['root', 'admin', 'test', 'oracle', 'guest', 'bob', 'pi', 'ftp'];
  const ip = (i: number) => `10.0.${i % 7}.${(i * 37) % 250}`;

  it('groups lines that differ in parameters and separates different messages', () => {
    const d = createTemplateMiner();
    const failed: number[] = [];
    const accepted: number[] = [];
    for (let i = 0; i < 40; i++) failed.push(d.add(`Failed password for ${users[i % users.length]} from ${ip(i)} port ${2000 + i} ssh2`));
    for (let i = 0; i < 10; i++) accepted.push(d.add(`Accepted password for ${users[i % 3]} from ${ip(i)} port ${3000 + i} ssh2`));
    const closed = d.add('Connection closed by 1.2.3.4 [preauth]');
    const f = new Set(failed.map((id) => d.resolve(id)));
    const a = new Set(accepted.map((id) => d.resolve(id)));
    expect(f.size).toBe(1);
    expect(a.size).toBe(1);
    expect([...f][0]).not.toBe([...a][0]);
    expect(d.resolve(closed)).not.toBe([...f][0]);
    // Constant words keep their digits; only whole tokens become placeholders.
    expect(d.template(failed[0]!)).toBe('Failed password for <*> from <IP> port <NUM> ssh2');
  });

  it('splits a group on a word of few frequent values, and keeps a column of many rare ones a parameter', () => {
    const d = createTemplateMiner();
    const byEvent = new Map<string, number[]>();
    for (let i = 0; i < 200; i++) {
      const event = ['Started', 'Paused', 'Resumed', 'Stopped'][i % 4]!;
      const id = d.add(`[instance: 8f14e45f-ceea-467a-9af0-${String(i).padStart(12, '0')}] VM ${event} (Lifecycle Event)`);
      byEvent.set(event, [...(byEvent.get(event) ?? []), id]);
      d.add(`session ${i % 2 === 0 ? 'opened' : 'closed'} for user ${users[i % users.length]}${i % 5}`);
    }
    const templates = [...byEvent.values()].map((ids) => new Set(ids.map((id) => d.resolve(id))));
    for (const t of templates) expect(t.size).toBe(1);
    expect(new Set(templates.map((t) => [...t][0])).size).toBe(4);
    expect(d.template(byEvent.get('Paused')![0]!)).toBe('[instance: <UUID>] VM Paused (Lifecycle Event)');
    const texts = d.clusters().map((c) => c.tokens.join(' '));
    expect(texts).toContain('session opened for user <*>');
    expect(texts).toContain('session closed for user <*>');
  });

  it('splits quoted requests of more forms than a name could take on their kind, then on their form', () => {
    // Six forms of request (one per method and path shape), the first on most of the lines: the
    // method tells the requests apart first, the path shape then within each method.
    const forms = [
      ['GET', (i: number) => `/v2/${(1000 + i).toString(16)}abcdef/servers/detail`],
      ['GET', () => '/openstack/2013-10-17/meta_data.json'],
      ['GET', () => '/openstack/2013-10-17/user_data'],
      ['POST', (i: number) => `/v2/${(2000 + i).toString(16)}abcdef/servers`],
      ['DELETE', (i: number) => `/v2/${(3000 + i).toString(16)}abcdef/servers/${i}`],
      ['PUT', () => '/flavors'],
    ] as const;
    const d = createTemplateMiner();
    const ids: number[] = [];
    const truth: number[] = [];
    for (let i = 0; i < 420; i++) {
      const f = i % 14 === 0 ? 1 + ((i / 14) % 5) : 0;
      const [method, path] = forms[f]!;
      ids.push(d.add(`10.11.10.${i % 7} "${method} ${path(i)} HTTP/1.1" status: ${200 + (i % 3)} len: ${100 + i} time: 0.${i + 1000}`));
      truth.push(f);
    }
    expect(groupingAccuracy(ids.map((id) => d.resolve(id)), truth)).toBe(1);
  });

  it("keeps a value that is another template's constant a value (Invalid user user from)", () => {
    // "user" is a constant of the first, more frequent template at the place where the second
    // prints a user name: lines whose name is "user" still belong to the second template.
    const names = ['student', 'student', 'student', 'admin', 'oracle', 'test', 'user', 'git', 'pi', 'ftp'];
    const d = createTemplateMiner();
    const ids: number[] = [];
    const truth: string[] = [];
    for (let i = 0; i < 400; i++) {
      const name = names[i % names.length]!;
      ids.push(d.add(i % 3 !== 0 ? `input_userauth_request: invalid user ${name} [preauth]` : `Invalid user ${name} from 10.1.${i % 9}.${i % 13}`));
      truth.push(i % 3 !== 0 ? 'request' : 'invalid');
    }
    expect(groupingAccuracy(ids.map((id) => d.resolve(id)), truth)).toBe(1);
  });

  it('takes an optional value beside another between words as one parameter, but not an optional field at the end', () => {
    const d = createTemplateMiner();
    const ids: number[] = [];
    const truth: string[] = [];
    for (let i = 0; i < 300; i++) {
      // "*64" is printed by some programs only, between two values.
      const app = i % 3 === 0 ? `svc${i % 4}.exe *64` : `app${i % 5}.exe`;
      ids.push(d.add(`started ${app} - 10.0.${i % 7}.${i % 11}:443 open directly`));
      truth.push('open');
      // A field that only some lines print at their end makes another template.
      ids.push(d.add(`authentication failure; uid=${i % 3} rhost=10.1.${i % 5}.${i % 13}${i % 2 === 0 ? ' user=root' : ''}`));
      truth.push(i % 2 === 0 ? 'failure-user' : 'failure');
    }
    expect(groupingAccuracy(ids.map((id) => d.resolve(id)), truth)).toBe(1);
    const sizes = d.clusters().map((c) => c.size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
    expect(sizes).toContain(300);
  });

  it('keeps words with digits as printed when they do not vary (ssh2, jk2_init)', () => {
    const d = createTemplateMiner();
    let id = 0;
    for (let i = 0; i < 30; i++) id = d.add(`jk2_init() Found child ${1000 + i * 13} in scoreboard slot ${i % 9}`);
    expect(d.template(id)).toBe('jk2_init() Found child <NUM> in scoreboard slot <NUM>');
    const e = createTemplateMiner();
    let b = 0;
    for (let i = 0; i < 30; i++) b = e.add(`Deleting block blk_${9000 + i * 7919} file /data/blk_${9000 + i * 7919}`);
    expect(e.template(b)).toBe('Deleting block <*> file <PATH>');
    // A number every line of the template prints alike is shown as printed; one that varies is a placeholder.
    const f = createTemplateMiner();
    let r = 0;
    for (let i = 0; i < 30; i++) r = f.add(`10.0.0.${i} "GET /api/items/${i} HTTP/1.1" status: 200 len: ${100 + i}`);
    // (In a quoted span whose path varies, the version every line printed stays.)
    expect(f.template(r)).toBe('<IP> "GET <PATH> HTTP/1.1" status: 200 len: <NUM>');
  });

  it('learns a column of levels and the separators after it as header, and keeps a word most lines open with', () => {
    const d = createTemplateMiner();
    const ids: number[] = [];
    const loggers = ['app.worker', 'app.api', 'root', 'db.pool', 'cache'];
    const messages = [
      (i: number) => ['INFO', `Task tasks.send[${1000 + i}] received`],
      (i: number) => ['INFO', `Task tasks.send[${1000 + i}] succeeded in ${i % 7}.5s: None`],
      (i: number) => ['WARNING', `Task tasks.send[${1000 + i}] retry: Retry in ${i % 5}s: ConnectionError()`],
      (i: number) => ['ERROR', `worker ${i} lost`],
    ] as const;
    for (let i = 0; i < 400; i++) {
      const [level, text] = messages[i % 4]!(i);
      ids.push(d.add(`${loggers[(i * 7) % 5]} - ${level} - ${text}`));
    }
    const groups = [0, 1, 2, 3].map((k) => new Set(ids.filter((_, i) => i % 4 === k).map((id) => d.resolve(id))));
    for (const g of groups) expect(g.size).toBe(1);
    expect(new Set(groups.map((g) => [...g][0])).size).toBe(4);
    expect(d.template(ids[0]!)).toBe('Task tasks.send[<NUM>] received');
    expect(d.template(ids[3]!)).toBe('worker <NUM> lost');
  });

  it('learns header columns from the input and leaves them out of templates', () => {
    const d = createTemplateMiner();
    const ids: number[] = [];
    const hosts = ['node-12', 'node-246', 'gige7'];
    const components = ['node status', 'unix.hw state_change', 'action boot'];
    for (let i = 0; i < 300; i++) {
      const head = `${100000 + i * 31} ${hosts[(i >> 1) % 3]} ${components[(i >> 2) % 3]} ${1100000000 + i} 1`;
      ids.push(d.add(i % 3 === 0 ? `${head} running running` : i % 3 === 1 ? `${head} Fan speeds ( ${i} ${i + 3} )` : `${head} halt`));
    }
    const groups = [0, 1, 2].map((k) => new Set(ids.filter((_, i) => i % 3 === k).map((id) => d.resolve(id))));
    for (const g of groups) expect(g.size).toBe(1);
    expect(d.template(ids[0]!)).toBe('running running');
  });

  it('keeps memory bounded: beyond maxClusters the least recently used templates are evicted', () => {
    const evicted: number[] = [];
    const d = createTemplateMiner({ maxClusters: 50, onEvict: (id) => evicted.push(id) });
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
    // The busy template was used all along and survives.
    expect(d.template(keep)).toBe('heartbeat ok');
  });

  it('folds the shapes of a template once there are too many, and later lines still join it', () => {
    const d = createTemplateMiner({ maxClusters: 20, maxShapes: 40 });
    const ids: number[] = [];
    for (let i = 0; i < 400; i++) ids.push(d.add(`user ${['ann', 'bo', 'cy', 'di', 'ed'][i % 5]}${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + ((i * 7) % 26))} logged in`));
    expect(new Set(ids.map((id) => d.resolve(id))).size).toBe(1);
    expect(d.template(ids[399]!)).toBe('user <*> logged in');
    expect(d.evicted).toBe(0);
  });

  it('gives identical lines the same id', () => {
    const d = createTemplateMiner();
    const x = d.add('user 42 logged in');
    const y = d.add('user 42 logged in');
    const z = d.add('user 7 logged in');
    expect(x).toBe(y);
    expect(d.resolve(z)).toBe(d.resolve(x));
  });
});
