// Arguments of /slowqueries and /db (and of `opsbot slowqueries|db`). Pure: a bad argument is
// answered in the Slack ack itself, before any I/O, with what is wrong and how to write it.
import { InputError } from '../core/errors.js';
import { DEFAULT_DIAGNOSTICS_THRESHOLDS, DEFAULT_SLOW_LIMIT, MAX_LIMIT } from './settings.js';
import { type DbTopic, type DiagnosticRequest, SLOW_SORTS, type SlowSort } from './types.js';

export const SLOWQUERIES_USAGE = '/slowqueries [mean|total|calls|io] [limit]';
export const DB_USAGE = '/db connections|locks|long [seconds]|tables|indexes|cache|wraparound';

const SORT_ALIASES: Record<string, SlowSort> = {
  mean: 'mean',
  avg: 'mean',
  average: 'mean',
  slow: 'mean',
  total: 'total',
  time: 'total',
  calls: 'calls',
  count: 'calls',
  io: 'io',
  disk: 'io',
  reads: 'io',
};

const TOPIC_ALIASES: Record<string, DbTopic> = {
  connections: 'connections',
  connection: 'connections',
  conn: 'connections',
  conns: 'connections',
  locks: 'locks',
  lock: 'locks',
  blocking: 'locks',
  long: 'long',
  'long-running': 'long',
  running: 'long',
  tables: 'tables',
  table: 'tables',
  vacuum: 'tables',
  bloat: 'tables',
  indexes: 'indexes',
  index: 'indexes',
  indices: 'indexes',
  cache: 'cache',
  'cache-hit': 'cache',
  wraparound: 'wraparound',
  xid: 'wraparound',
  sequences: 'wraparound',
};

const MAX_LONG_SECONDS = 86_400;

function words(text: string): string[] {
  return text.trim().toLowerCase().split(/\s+/).filter(Boolean);
}

function shown(word: string): string {
  return word.slice(0, 40);
}

/** Parses `/slowqueries` text: an optional order and an optional limit, in any order. */
export function parseSlowQueriesArgs(text: string): DiagnosticRequest {
  let sort: SlowSort | undefined;
  let limit: number | undefined;
  for (const w of words(text)) {
    const s = SORT_ALIASES[w];
    if (s && sort === undefined) {
      sort = s;
    } else if (/^\d+$/.test(w) && limit === undefined) {
      limit = Number(w);
      if (limit < 1 || limit > MAX_LIMIT) throw new InputError(`The limit must be between 1 and ${MAX_LIMIT}, not ${shown(w)}. Usage: \`${SLOWQUERIES_USAGE}\`, e.g. \`/slowqueries mean 20\`.`);
    } else {
      throw new InputError(
        `I don't understand "${shown(w)}". Usage: \`${SLOWQUERIES_USAGE}\` — order by ${SLOW_SORTS.map((x) => `\`${x}\``).join(', ')} (default \`total\`), e.g. \`/slowqueries mean 20\`.`,
      );
    }
  }
  return { command: 'slowqueries', sort: sort ?? 'total', limit: limit ?? DEFAULT_SLOW_LIMIT };
}

/** Parses `/db` text: a topic and, for `long`, an optional threshold in seconds. */
export function parseDbArgs(text: string, defaults = { longRunningSeconds: DEFAULT_DIAGNOSTICS_THRESHOLDS.longRunningSeconds }): DiagnosticRequest {
  const [first, ...rest] = words(text);
  if (first === undefined || first === 'help') {
    throw new InputError(`Usage: \`${DB_USAGE}\`. For example \`/db locks\` for blocking chains or \`/db long 300\` for statements running over 5 minutes.`);
  }
  const topic = TOPIC_ALIASES[first];
  if (!topic) {
    throw new InputError(`I don't know "${shown(first)}". Usage: \`${DB_USAGE}\`, e.g. \`/db connections\`.`);
  }
  if (topic === 'long') {
    if (rest.length > 1 || (rest[0] !== undefined && !/^\d+s?$/.test(rest[0]))) {
      throw new InputError(`\`/db long\` takes one number of seconds, e.g. \`/db long 300\`; I got "${shown(rest.join(' '))}".`);
    }
    const seconds = rest[0] === undefined ? defaults.longRunningSeconds : Number(rest[0].replace(/s$/, ''));
    if (seconds < 1 || seconds > MAX_LONG_SECONDS) throw new InputError(`The threshold must be between 1 and ${MAX_LONG_SECONDS} seconds, e.g. \`/db long 300\`.`);
    return { command: 'db', topic, seconds };
  }
  if (rest.length > 0) throw new InputError(`\`/db ${topic}\` takes no arguments; I got "${shown(rest.join(' '))}". Usage: \`${DB_USAGE}\`.`);
  return { command: 'db', topic };
}
