// Value generators shared by the corpora: the kinds of parameter every log prints (addresses,
// ports, ids, users, hosts, paths, durations). Users and hosts have a long tail: a few frequent
// values and many rare ones, as in real logs, so that a parser cannot mistake them for constants.
import { clf, digits, hex, int, pick, pool, uuid, type Gen, type Rng } from './kit.js';

const USERS = ['root', 'admin', 'test', 'oracle', 'postgres', 'guest', 'ubuntu', 'git', 'user', 'ftp', 'mysql', 'www', 'nagios', 'deploy', 'pi'];
const WORDS = 'alpha bravo cedar delta ember fable garnet harbor iris jasper kelp lumen maple nectar onyx pepper quartz raven sable topaz umber violet willow xenon yarrow zephyr amber birch coral dune'.split(' ');

export const ipv4 = (r: Rng): string => `${pick(r, [10, 172, 192, 58, 61, 112, 173, 183, 202, 218, 24, 5, 91])}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
const ipPool = pool(ipv4, 0.6, 80);
const hostPool = pool((r) => `${pick(r, ['node', 'web', 'db', 'cache', 'worker', 'api'])}-${int(r, 1, 64)}.${pick(r, ['prod', 'stage', 'eu1', 'us2'])}.internal`, 0.7, 40);
/** Frequent users first, then invented ones (each rare). */
export const user = (r: Rng): string => (r() < 0.7 ? USERS[Math.min(Math.floor(-Math.log(1 - r()) * 2), USERS.length - 1)]! : `${pick(r, WORDS)}${r() < 0.5 ? int(r, 1, 99) : ''}`);

export const SHARED: Record<string, Gen> = {
  ip: (r) => ipPool(r),
  port: (r) => String(int(r, 1024, 65535)),
  ipport: (r) => `${ipPool(r)}:${int(r, 1024, 65535)}`,
  num: (r) => String(int(r, 0, 999)),
  small: (r) => String(int(r, 1, 9)),
  big: (r) => digits(r, int(r, 5, 10)),
  pid: (r) => String(int(r, 100, 32000)),
  hex8: (r) => hex(r, 8),
  hex16: (r) => hex(r, 16),
  ptr: (r) => `0x${hex(r, 8)}`,
  uuid: (r) => uuid(r),
  user,
  host: (r) => hostPool(r),
  word: (r) => pick(r, WORDS),
  ms: (r) => String(int(r, 1, 5000)),
  secs: (r) => (r() * 10).toFixed(2),
  pct: (r) => `${int(r, 0, 100)}%`,
  path: (r) => `/${pick(r, ['var', 'usr', 'opt', 'home', 'srv'])}/${pick(r, WORDS)}/${pick(r, WORDS)}${r() < 0.5 ? `/${pick(r, WORDS)}.${pick(r, ['log', 'conf', 'db', 'json'])}` : ''}`,
  file: (r) => `${pick(r, WORDS)}${r() < 0.4 ? int(r, 1, 9) : ''}.${pick(r, ['txt', 'xml', 'json', 'dat'])}`,
  url: (r) => `https://${pick(r, WORDS)}.example.com/${pick(r, WORDS)}/${int(r, 1, 999)}`,
  size: (r) => String(int(r, 1, 1 << 24)),
  clf: (_r, c) => clf(c.t),
  p2: (r) => String(int(r, 0, 59)).padStart(2, '0'),
  mac: (r) => Array.from({ length: 6 }, () => hex(r, 2)).join(':'),
};
