// Which bot `npm start` runs. The production Slack bot whenever anything says this is a Slack
// deployment: a deployment whose secret mount failed still has its channel ids, user groups or
// API URL, and must fail as it always did instead of coming up as a local workspace. The local
// workspace only when nothing of Slack is set (or OPSBOT_MODE=local says so), and then only on
// databases of this machine unless OPSBOT_MODE=local is explicit.
import { ConfigError } from '../core/errors.js';
import { RUN_MODES } from '../core/settings.js';
import { SlackEnv } from '../slack/settings.js';

export type RunMode = (typeof RUN_MODES)[number];

export interface ModeChoice {
  mode: RunMode;
  /** Why, in one phrase, for the start-up log. */
  reason: string;
}

/** PORT is set by most hosting platforms and by people running the local workspace on another port. */
const NOT_SLACK_SPECIFIC = new Set(['PORT']);

/** The settings whose presence makes this a Slack deployment: every Slack-area setting but PORT. */
export const SLACK_MARKERS: readonly string[] = Object.keys(SlackEnv.shape).filter((k) => !NOT_SLACK_SPECIFIC.has(k));

const DATABASE_KEYS = ['DATABASE_URL', 'DATABASE_ADMIN_URL', 'STATE_DATABASE_URL'] as const;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Whether a Postgres URL points at this machine: localhost, a loopback address or a unix socket
 * (an empty host, or a host / ?host= that is a socket directory). Unparseable URLs are not local.
 */
export function isLocalDatabaseUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // "postgres://user@/db?host=/run/postgresql" is a socket URL pg reads but WHATWG URL refuses.
    const socket = /^postgres(?:ql)?:\/\/[^/?#]*@\/[^?#]*\?(?:.*&)?host=([^&#]*)/.exec(url);
    return socket ? decodeURIComponent(socket[1]!).startsWith('/') : false;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return false;
  const socketHost = u.searchParams.get('host');
  if (socketHost !== null) return socketHost.startsWith('/');
  const host = decodeURIComponent(u.hostname).toLowerCase();
  if (host === '') return true;
  if (host.startsWith('/')) return true;
  return LOCAL_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

const present = (env: Record<string, string | undefined>, key: string): boolean => (env[key] ?? '').trim() !== '';

/**
 * Decides the mode from the raw environment. Throws ConfigError for an OPSBOT_MODE it does not
 * know, and for a local workspace (chosen because no Slack setting is set) whose databases are
 * on another machine: that is a production database, and only an explicit OPSBOT_MODE=local may
 * point the local workspace at it.
 */
export function selectMode(env: Record<string, string | undefined>): ModeChoice {
  const forced = env.OPSBOT_MODE?.trim();
  if (forced !== undefined && forced !== '' && !(RUN_MODES as readonly string[]).includes(forced)) {
    throw new ConfigError([`OPSBOT_MODE must be one of ${RUN_MODES.join(', ')} (got "${forced.slice(0, 20)}")`]);
  }
  if (forced === 'slack') return { mode: 'slack', reason: 'OPSBOT_MODE=slack' };
  if (forced === 'local') return { mode: 'local', reason: 'OPSBOT_MODE=local' };
  const slack = SLACK_MARKERS.filter((k) => present(env, k));
  if (slack.length > 0) return { mode: 'slack', reason: `Slack settings are set (${slack.join(', ')})` };
  const remote = DATABASE_KEYS.filter((k) => present(env, k) && !isLocalDatabaseUrl(env[k] ?? ''));
  if (remote.length > 0) {
    throw new ConfigError([
      `${remote.join(' and ')} ${remote.length > 1 ? 'point' : 'points'} at a database on another machine, and no Slack setting is set, so this would start the local workspace against it. ` +
        'The local workspace runs drills that break its database on purpose (held connections, locks, a database that goes away), so it only uses databases on this machine (localhost, 127.0.0.1, ::1 or a unix socket) unless you ask for it. ' +
        'To run the production bot, set the Slack settings (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN); to run the local workspace on that database anyway, set OPSBOT_MODE=local.',
    ]);
  }
  return { mode: 'local', reason: 'no Slack setting is set' };
}
