// DNS of the hosts an outage can hide behind (runbook "P0: Service Outage": "check DNS
// resolution"): the app's, the Supabase project's and the database's. Each is asked for its A,
// AAAA and CNAME records in parallel through an injected resolver (node:dns in production, a
// fake in tests, so no test needs a network), timed, and a failure is named by its kind:
// the name does not exist, it has no address, the servers failed, or nobody answered.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from '../core/clock.js';
import { formatMs } from '../core/format.js';
import type { OutageCheck } from './outage-types.js';
import type { HealthItem, Status } from './types.js';

/** The part of node:dns/promises' Resolver the check uses. */
export interface DnsResolver {
  /** IPv4 addresses (A records). */
  resolve4(host: string): Promise<string[]>;
  /** IPv6 addresses (AAAA records). */
  resolve6(host: string): Promise<string[]>;
  /** The canonical name the host points at, if it is an alias. */
  resolveCname(host: string): Promise<string[]>;
  /** Abandons the outstanding queries (at the check's time limit). */
  cancel(): void;
}

/** A resolver whose queries give up after `timeoutMs`. */
export type DnsResolverFactory = (timeoutMs: number) => DnsResolver;

/** The system's DNS servers, through node:dns (c-ares: real DNS queries, not the hosts file). */
export const systemResolver: DnsResolverFactory = (timeoutMs) => new Resolver({ timeout: Math.max(100, Math.trunc(timeoutMs)), tries: 1 });

export interface DnsHost {
  /** What the host is, e.g. "App" or "Supabase project". */
  label: string;
  host: string;
}

export interface DnsCheckOptions {
  hosts: readonly DnsHost[];
  resolver: DnsResolverFactory;
  clock: Clock;
  /** Resolution time that warns. */
  slowMs: number;
}

/** The host part of a URL, or undefined when it cannot be read (never the credentials). */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return h || undefined;
  } catch {
    return undefined;
  }
}

interface Failure {
  status: Status;
  kind: string;
  advice: string;
}

/** What a resolver error code means for people. */
export function dnsFailure(code: string | undefined, host: string): Failure {
  switch (code) {
    case 'ENOTFOUND':
      return {
        status: 'critical',
        kind: 'NXDOMAIN: the name does not exist',
        advice: `Nobody can reach ${host}: check the DNS provider for a deleted record and the registrar for an expired domain; restore the record (its TTL decides how fast clients recover).`,
      };
    case 'ENODATA':
      return { status: 'critical', kind: 'no A or AAAA records', advice: `${host} exists but has no address: a record was removed or changed at the DNS provider; restore it.` };
    case 'ESERVFAIL':
      return { status: 'critical', kind: 'SERVFAIL: the name servers failed', advice: `The authoritative servers for ${host} fail (DNS provider outage or a DNSSEC problem): check the provider's status page.` };
    case 'EREFUSED':
      return { status: 'critical', kind: 'REFUSED by the name server', advice: `A name server refuses queries for ${host}: check the domain's NS records at the registrar.` };
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return { status: 'unknown', kind: 'no DNS answer in time', advice: `Resolve ${host} from another network (\`dig +short ${host} @1.1.1.1\`): the bot's resolver or the name servers are not answering.` };
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return { status: 'unknown', kind: "the bot's DNS server is unreachable", advice: `The bot's own resolver does not answer; check from elsewhere (\`dig +short ${host} @1.1.1.1\`) before blaming ${host}.` };
    default:
      return { status: 'unknown', kind: `resolution failed (${code ?? 'unknown error'})`, advice: `Resolve ${host} from another network (\`dig +short ${host} @1.1.1.1\`).` };
  }
}

const codeOf = (r: PromiseSettledResult<string[]>): string | undefined => (r.status === 'rejected' ? (r.reason as { code?: string } | null)?.code : undefined);

async function resolveHost(h: DnsHost, resolver: DnsResolver, o: DnsCheckOptions): Promise<HealthItem> {
  const key = `dns:${h.label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const label = `${h.label} ${h.host}`;
  if (isIP(h.host)) return { key, label, status: 'ok', value: 'an IP address: no DNS lookup', threshold: 'resolves', data: { host: h.host, ip: true } };
  if (h.host === 'localhost' || h.host.endsWith('.localhost')) {
    return { key, label, status: 'ok', value: 'loopback: resolved locally, no DNS query', threshold: 'resolves', data: { host: h.host, loopback: true } };
  }
  const started = o.clock.monotonic();
  const [a, aaaa, cname] = await Promise.allSettled([resolver.resolve4(h.host), resolver.resolve6(h.host), resolver.resolveCname(h.host)]);
  const ms = Math.round(o.clock.monotonic() - started);
  const v4 = a.status === 'fulfilled' ? a.value : [];
  const v6 = aaaa.status === 'fulfilled' ? aaaa.value : [];
  const alias = cname.status === 'fulfilled' ? cname.value : [];
  const data = { host: h.host, a: v4, aaaa: v6, cname: alias, ms, errors: { a: codeOf(a) ?? null, aaaa: codeOf(aaaa) ?? null } };
  if (v4.length + v6.length > 0) {
    const records = [v4.length ? `A ${v4.slice(0, 4).join(', ')}${v4.length > 4 ? ' …' : ''}` : '', v6.length ? `AAAA ${v6.slice(0, 2).join(', ')}${v6.length > 2 ? ' …' : ''}` : '', alias.length ? `CNAME ${alias[0]}` : '']
      .filter(Boolean)
      .join('; ');
    const slow = ms >= o.slowMs;
    return {
      key,
      label,
      status: slow ? 'warn' : 'ok',
      value: `${records} (${formatMs(ms)})`,
      threshold: `resolves in < ${formatMs(o.slowMs)}`,
      ...(slow ? { advice: `DNS answers slowly for ${h.host}: the resolver or the provider is struggling; clients may time out before connecting.` } : {}),
      data,
    };
  }
  // A definite answer (NXDOMAIN, SERVFAIL, REFUSED) names the failure; "no records" is only
  // conclusive when neither query failed otherwise (a timed-out A query says nothing about A).
  const codes = [codeOf(a), codeOf(aaaa)];
  const code = ['ENOTFOUND', 'ESERVFAIL', 'EREFUSED'].find((c) => codes.includes(c)) ?? codes.find((c) => c !== undefined && c !== 'ENODATA') ?? 'ENODATA';
  const f = dnsFailure(code, h.host);
  return { key, label, status: f.status, value: `${f.kind} (${formatMs(ms)})`, threshold: 'resolves', advice: f.advice, data: { ...data, failure: code } };
}

export function dnsCheck(o: DnsCheckOptions): OutageCheck {
  return {
    key: 'dns',
    title: 'DNS',
    async run(ctx) {
      if (o.hosts.length === 0) {
        return [{ key: 'dns', label: 'Hosts', status: 'unknown', value: 'no host to resolve', threshold: 'APP_URL and SUPABASE_URL set', advice: 'Set APP_URL and SUPABASE_URL so their hosts can be checked.' }];
      }
      // A little under the check's limit, so each host reports its own timeout rather than the check as a whole.
      const resolver = o.resolver(Math.max(100, ctx.timeoutMs - 250));
      const abort = () => resolver.cancel();
      ctx.signal.addEventListener('abort', abort, { once: true });
      try {
        return await Promise.all(o.hosts.map((h) => resolveHost(h, resolver, o)));
      } finally {
        ctx.signal.removeEventListener('abort', abort);
      }
    },
  };
}

/** The hosts worth resolving: the app's, the project's and the database's, each once. */
export function outageHosts(urls: { app?: string; supabase?: string; database?: string }): DnsHost[] {
  const out: DnsHost[] = [];
  const add = (label: string, url: string | undefined) => {
    const host = hostOf(url);
    if (host && !out.some((h) => h.host === host)) out.push({ label, host });
  };
  add('App', urls.app);
  add('Supabase project', urls.supabase);
  add('Database', urls.database);
  return out;
}
