// Settings of /health outage (runbook "P0: Service Outage"): where the Supabase status page is,
// which region the project runs in (so incidents elsewhere are told apart), and when a DNS
// answer counts as slow. Each check's time limit is HEALTH_CHECK_TIMEOUT_MS, as for /health.
import { z } from 'zod';
import { httpUrl, int, setting, settingsArea } from '../core/env-schema.js';

export const OutageEnv = settingsArea('Outage checks', 'What /health outage reads besides the /health probes: the status page and DNS.', {
  STATUS_PAGE_URL: setting(httpUrl(), {
    doc: 'Base URL of the Supabase status page (a Statuspage site; /api/v2/summary.json is read by /health outage)',
    default: 'https://status.supabase.com',
  }),
  SUPABASE_REGION: setting(z.string().trim().regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be an AWS-style region such as us-east-1'), {
    doc: 'Region of the Supabase project, e.g. us-east-1: status-page components and incidents naming another region are listed apart',
    example: 'us-east-1',
  }),
  DNS_SLOW_MS: setting(int(1, 60_000), { doc: 'DNS resolution time at or above which /health outage warns', default: '1000' }),
});

export type OutageEnv = z.infer<typeof OutageEnv>;

export interface OutageSettings {
  /** Without a trailing slash. */
  statusPageUrl: string;
  region: string | undefined;
  dnsSlowMs: number;
}

export function toOutageSettings(e: OutageEnv): OutageSettings {
  return { statusPageUrl: e.STATUS_PAGE_URL.replace(/\/+$/, ''), region: e.SUPABASE_REGION, dnsSlowMs: e.DNS_SLOW_MS };
}
