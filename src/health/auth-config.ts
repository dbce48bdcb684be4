// The Auth configuration facts the runbook's "Authentication Loop" step points at, from the
// Management API (GET /v1/projects/{ref}/config/auth): whether email confirmation is required,
// the Site URL and the redirect allow-list, judged against APP_URL. A Site URL or allow-list that
// does not cover the app sends users back to the wrong place after sign-in: the loop.
import type { Clock } from '../core/clock.js';
import type { Sleep } from '../core/retry.js';
import { z } from 'zod';
import { describeFetchError } from './frontend.js';
import { probe } from './probe.js';
import type { CheckContext, HealthItem, Status } from './types.js';

// Lenient: only the fields we read (the object has well over a hundred).
const AuthConfig = z.object({
  site_url: z.string().nullish(),
  uri_allow_list: z.string().nullish(),
  mailer_autoconfirm: z.boolean().nullish(),
  external_email_enabled: z.boolean().nullish(),
  disable_signup: z.boolean().nullish(),
});
export type AuthConfig = z.infer<typeof AuthConfig>;

export interface AuthConfigSourceOptions {
  /** SUPABASE_ACCESS_TOKEN. */
  accessToken: string;
  projectRef: string;
  /** SUPABASE_MANAGEMENT_API_URL. */
  apiUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  sleep?: Sleep;
}

export type AuthConfigResult = { ok: true; config: AuthConfig } | { ok: false; message: string; advice: string };

/** Reads the project's Auth configuration. */
export interface AuthConfigSource {
  /** The configuration, or why it could not be read (never throws for an HTTP answer). */
  read(ctx: CheckContext): Promise<AuthConfigResult>;
}

export function createAuthConfigSource(o: AuthConfigSourceOptions): AuthConfigSource {
  const url = `${o.apiUrl.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(o.projectRef)}/config/auth`;
  const tokenAdvice = 'Set SUPABASE_ACCESS_TOKEN to a Management API token that may read the project’s auth config (auth_config_read), and check SUPABASE_PROJECT_REF.';
  return {
    async read(ctx) {
      let res: Response;
      let body: string;
      try {
        ({ res, body } = await probe(o, ctx, url, { headers: { authorization: `Bearer ${o.accessToken}`, accept: 'application/json' } }, true));
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        return { ok: false, message: `the Management API did not answer (${describeFetchError(err)})`, advice: 'Check https://status.supabase.com; the next check tries again.' };
      }
      if (res.status === 401 || res.status === 403) return { ok: false, message: `the Management API refused the token (HTTP ${res.status})`, advice: tokenAdvice };
      if (res.status === 404) return { ok: false, message: 'no such project (HTTP 404)', advice: 'Check SUPABASE_PROJECT_REF (the <ref> of https://<ref>.supabase.co).' };
      if (res.status === 429) return { ok: false, message: 'the Management API is rate limiting (HTTP 429)', advice: 'Try again in a minute; check the settings in the dashboard meanwhile (Authentication → URL Configuration).' };
      if (!res.ok) return { ok: false, message: `the Management API answered HTTP ${res.status}`, advice: 'Try again shortly; check the dashboard meanwhile (Authentication → URL Configuration).' };
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const parsed = AuthConfig.safeParse(json);
      if (!parsed.success) return { ok: false, message: 'the Management API answered with something that is not an auth config', advice: 'Check SUPABASE_MANAGEMENT_API_URL.' };
      return { ok: true, config: parsed.data };
    },
  };
}

/** The allow-list as GoTrue stores it: comma-separated URLs, possibly with * and ** wildcards. */
export function redirectUrls(list: string | null | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^./]*'; // GoTrue compiles the list with '.' and '/' as separators
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether an allow-list entry lets the app at `appUrl` be a redirect target (its origin or a page of it). */
export function coversApp(entry: string, appUrl: string): boolean {
  let app: URL;
  try {
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (!entry.includes('*')) return sameOrigin(entry, appUrl);
  const re = globRegex(entry);
  return [app.origin, `${app.origin}/`, app.href, `${app.origin}/auth/callback`].some((c) => re.test(c));
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

const LOOP_ADVICE =
  'Sign-in may loop or land on the wrong site: in Supabase → Authentication → URL Configuration set the Site URL to the app’s URL and add it (with /**) to the redirect URLs.';

/** The facts as Auth items; a read failure is informational, so Auth’s status stays what its health says. */
export async function authConfigItems(source: AuthConfigSource, appUrl: string, ctx: CheckContext): Promise<HealthItem[]> {
  const r = await source.read(ctx);
  if (!r.ok) {
    return [{ key: 'auth_config', label: 'Auth configuration', status: 'unknown', value: `not read: ${r.message}`, threshold: 'information', advice: r.advice, informational: true }];
  }
  const c = r.config;
  const urls = redirectUrls(c.uri_allow_list);
  const site = c.site_url ?? '';
  const siteOk = !appUrl || (site !== '' && sameOrigin(site, appUrl));
  const covered = !appUrl || siteOk || urls.some((u) => coversApp(u, appUrl));
  const siteStatus: Status = siteOk ? 'ok' : 'warn';
  const items: HealthItem[] = [
    {
      key: 'site_url',
      label: 'Site URL',
      status: siteStatus,
      value: site || 'not set',
      threshold: appUrl ? `same origin as APP_URL (${new URL(appUrl).origin})` : 'set',
      ...(siteOk ? {} : { advice: LOOP_ADVICE }),
      data: { siteUrl: site, appUrl },
    },
    {
      key: 'redirect_urls',
      label: 'Redirect URLs',
      status: covered ? 'ok' : 'warn',
      value: urls.length === 0 ? 'none (only the Site URL)' : `${urls.length}: ${urls.slice(0, 5).join(', ')}${urls.length > 5 ? ', …' : ''}`,
      threshold: 'the app is the Site URL or on the allow-list',
      ...(covered ? {} : { advice: LOOP_ADVICE }),
      data: { urls, coversApp: covered },
    },
    {
      key: 'email_confirmation',
      label: 'Email confirmation',
      status: 'ok',
      value:
        c.mailer_autoconfirm === true
          ? 'off (new users are confirmed at sign-up)'
          : c.mailer_autoconfirm === false
            ? 'required (users must click the emailed link before signing in)'
            : 'not reported',
      threshold: 'information',
      informational: true,
      data: {
        required: c.mailer_autoconfirm === undefined || c.mailer_autoconfirm === null ? null : !c.mailer_autoconfirm,
        emailSignInEnabled: c.external_email_enabled ?? null,
        signupDisabled: c.disable_signup ?? null,
      },
    },
  ];
  return items;
}
