// Downloads a file shared in Slack (its url_private_download) with the bot token. The address
// comes from a Slack payload, which anyone who can post a file or craft an event shapes, so the
// token goes only over https to Slack's own file hosts, or to the exact origin of SLACK_API_URL
// (where the bot sends the token for every Web API call anyway: GovSlack, a proxy, the local
// stand-in). Redirects are followed by hand, and the token never rides along to another host.
import { systemClock, type Clock } from '../../core/clock.js';
import { InputError, UpstreamError } from '../../core/errors.js';
import { RETRY_BUDGETS, retryingFetch, type Sleep } from '../../core/retry.js';

/** Slack's file hosts (url_private, url_private_download), commercial and GovSlack. */
export const SLACK_FILE_HOSTS: readonly string[] = ['files.slack.com', 'files.slack-gov.com'];

const MAX_REDIRECTS = 5;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

export interface SlackFileAccess {
  /** The bot token (xoxb-…), sent as `Authorization: Bearer` to Slack's file hosts only. */
  botToken: string;
  /** SLACK_API_URL: its origin, and files.<its host> over https, may serve files too. */
  apiUrl: string;
  fetch: typeof fetch;
  /** Times the retries of each hop (default: the system clock). */
  clock?: Clock;
  /** Waits between attempts (tests: at once). */
  sleep?: Sleep;
}

/** Fetches a Slack file: the final response, after redirects. */
export type SlackFileDownloader = (url: string, fileName: string) => Promise<Response>;

// A file name from Slack is user input: shown, but short and on one line.
const shown = (name: string) => JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}…` : name);

/** Why the bot token may not go to `url`, or undefined when it may. */
export function tokenRefusal(url: URL, apiUrl: string): string | undefined {
  const api = URL.canParse(apiUrl) ? new URL(apiUrl) : undefined;
  // The bot already talks to SLACK_API_URL with this token; http only when that setting says so.
  if (api && url.origin === api.origin) return undefined;
  if (url.protocol !== 'https:') return `its address uses ${url.protocol}// and the bot token is sent only over https`;
  const hosts = [...SLACK_FILE_HOSTS, ...(api ? [`files.${api.hostname}`] : [])];
  if (url.port !== '' || !hosts.includes(url.hostname)) {
    return `its host ${url.host} is not one of Slack's file hosts (${[...new Set(hosts)].join(', ')}), and the bot token goes only to Slack`;
  }
  // Slack's addresses never carry one; a URL that does was not written by Slack.
  if (url.username !== '' || url.password !== '') return `its address for ${url.host} carries a user name or password`;
  return undefined;
}

export function createSlackFileDownloader(access: SlackFileAccess): SlackFileDownloader {
  // Each hop is retried on its own (network errors, 408, 429 with Retry-After, 5xx); a redirect is an answer.
  const send = retryingFetch(access.fetch, RETRY_BUDGETS.slackFiles, { clock: access.clock ?? systemClock, ...(access.sleep ? { sleep: access.sleep } : {}) });
  return async (address, fileName) => {
    if (!URL.canParse(address)) throw new InputError(`I cannot download ${shown(fileName)}: Slack gave no valid address for it. Upload the file again and retry.`);
    let url = new URL(address);
    const refusal = tokenRefusal(url, access.apiUrl);
    if (refusal) throw new InputError(`I did not download ${shown(fileName)}: ${refusal}. Upload the file to Slack again (not as a link) and retry.`);

    for (let hop = 0; ; hop++) {
      // Each hop is checked again: the token goes only where it may, and nowhere over http.
      const withToken = tokenRefusal(url, access.apiUrl) === undefined;
      let res: Response;
      try {
        res = await send(url.href, { redirect: 'manual', headers: withToken ? { authorization: `Bearer ${access.botToken}` } : {} });
      } catch (err) {
        throw new UpstreamError(`Could not reach ${url.host} to download ${shown(fileName)}; try again in a minute.`, { cause: err });
      }
      const location = REDIRECT.has(res.status) ? res.headers.get('location') : null;
      if (location === null) return res;
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new UpstreamError(`Slack redirected the download of ${shown(fileName)} more than ${MAX_REDIRECTS} times; try again later.`);
      if (!URL.canParse(location, url.href)) throw new UpstreamError(`Slack redirected the download of ${shown(fileName)} to an address I cannot read; try again later.`);
      const next = new URL(location, url);
      // Off Slack's hosts the file may still be fetched (a signed CDN address needs no token),
      // but only over https and never with the token.
      if (next.protocol !== 'https:' && tokenRefusal(next, access.apiUrl) !== undefined) {
        throw new InputError(`I did not download ${shown(fileName)}: the download was redirected to ${next.protocol}//${next.host}, and the bot fetches files only over https.`);
      }
      url = next;
    }
  };
}
