// Settings of the Supabase project being operated: its URL and API keys. Health checks, Auth admin
// playbooks, the backup store and the logs source all use them, so they belong to no one area.
import { z } from 'zod';
import { httpUrl, setting, settingsArea } from '../core/env-schema.js';

// Supabase API keys come in two generations: JWTs (eyJ….….…, role in the payload) and the newer
// prefixed keys (sb_publishable_…, sb_secret_…). A key of the wrong kind is refused by name, so a
// secret key pasted as the anon key (it would be sent to the public edge function) never starts.
const JWT = /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function jwtRole(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { role?: unknown };
    return typeof payload.role === 'string' ? payload.role : undefined;
  } catch {
    return undefined;
  }
}

const supabaseKey = (kind: 'publishable' | 'secret', jwtRoleName: 'anon' | 'service_role', rule: string) =>
  z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      const other = kind === 'publishable' ? 'sb_secret_' : 'sb_publishable_';
      if (s.startsWith(other)) {
        ctx.addIssue({ code: 'custom', message: `${rule}; this is an ${other}… key` });
        return;
      }
      const prefixed = new RegExp(`^sb_${kind}_[A-Za-z0-9_-]{10,}$`).test(s);
      const jwt = JWT.test(s);
      if (!prefixed && !jwt) {
        ctx.addIssue({ code: 'custom', message: rule });
        return;
      }
      const role = jwt ? jwtRole(s) : undefined;
      if (role !== undefined && role !== jwtRoleName) ctx.addIssue({ code: 'custom', message: `${rule}; this JWT is for the role "${role}"` });
    });

export const SupabaseEnv = settingsArea('Supabase', 'The Supabase project the bot watches and acts on.', {
  SUPABASE_URL: setting(httpUrl(), {
    doc: 'Supabase project URL, e.g. https://<ref>.supabase.co (Auth health, edge function probe)',
    example: 'https://abcdefghijklmnopqrst.supabase.co',
  }),
  SUPABASE_ANON_KEY: setting(supabaseKey('publishable', 'anon', 'must be the project anon key (a JWT or sb_publishable_… key)'), {
    doc: 'Supabase anon key, sent as apikey to /auth/v1/health and to the edge function probe',
    secret: true,
    example: 'eyJ…',
  }),
  SUPABASE_SERVICE_ROLE_KEY: setting(supabaseKey('secret', 'service_role', 'must be the service_role key (a JWT or sb_secret_… key)'), {
    doc: 'Supabase service_role key for Auth admin calls made by approved playbooks and for the metrics endpoint (host CPU, memory, disk in /health db and the CPU alert); optional until those are used',
    secret: true,
    example: 'sb_secret_…',
  }),
  SUPABASE_METRICS_URL: setting(httpUrl(), {
    doc: 'Prometheus metrics endpoint of the project (CPU, memory, disk for /health db); default <SUPABASE_URL>/customer/v1/privileged/metrics, read with the service_role key',
    example: 'https://abcdefghijklmnopqrst.supabase.co/customer/v1/privileged/metrics',
  }),
});

export type SupabaseEnv = z.infer<typeof SupabaseEnv>;

/** The project URL (without a trailing slash) and its keys; '' when the caller does not use them. */
export interface SupabaseProjectSettings {
  url: string;
  anonKey: string;
  serviceRoleKey: string | undefined;
  /** The Prometheus metrics endpoint; '' without SUPABASE_URL or SUPABASE_METRICS_URL. */
  metricsUrl: string;
}

export function toSupabaseSettings(e: SupabaseEnv): SupabaseProjectSettings {
  const url = (e.SUPABASE_URL ?? '').replace(/\/+$/, '');
  const metricsUrl = e.SUPABASE_METRICS_URL ?? (url ? `${url}/customer/v1/privileged/metrics` : '');
  return { url, anonKey: e.SUPABASE_ANON_KEY ?? '', serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY, metricsUrl };
}

/** The project ref, the <ref> of https://<ref>.supabase.co; undefined for other hosts. */
export function projectRefOf(supabaseUrl: string | undefined): string | undefined {
  return /^https:\/\/([a-z0-9]+)\.supabase\.co/.exec(supabaseUrl ?? '')?.[1];
}
