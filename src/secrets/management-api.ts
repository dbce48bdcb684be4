// The project's Edge Function secrets from the Supabase Management API, GET
// /v1/projects/{ref}/secrets. That endpoint answers with each secret's name AND value; the value
// is dropped right here, at the adapter boundary: what leaves this file is the name, the API's
// change date when it gives one, and a SHA-256 digest of the value (only to tell, later, that it
// changed; the store salts it again before keeping it). Error messages never quote the body.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { OpsError, UpstreamError } from '../core/errors.js';
import { RETRY_BUDGETS, retryingFetch, type Sleep } from '../core/retry.js';

/** A secret as the bot keeps it in memory: never the value. */
export interface ProjectSecret {
  name: string;
  /** SHA-256 (hex) of the value, computed here and never stored as is. */
  digest: string;
  /** When the API says it was last changed (ms), or null when it does not say. */
  updatedAt: number | null;
}

/** Where the secret list comes from (the Management API, or a fake in tests). */
export interface SecretSource {
  /** False when SUPABASE_ACCESS_TOKEN or the project ref is missing; /secrets then says what to set. */
  readonly configured: boolean;
  /** The project ref the list is for. */
  readonly projectRef: string | undefined;
  /** Every function secret: names, digests and change dates. */
  list(): Promise<ProjectSecret[]>;
}

// Lenient: only what we read. The value is read only to be digested.
const SecretsResponse = z.array(
  z.object({
    name: z.string().min(1).max(256),
    value: z.string().optional(),
    updated_at: z.string().optional().nullable(),
  }),
);

export interface ManagementSecretsOptions {
  apiUrl: string;
  accessToken: string | undefined;
  projectRef: string | undefined;
  fetch: typeof fetch;
  clock: Clock;
  timeoutMs?: number;
  sleep?: Sleep;
}

export function managementApiSecrets(o: ManagementSecretsOptions): SecretSource {
  const timeoutMs = o.timeoutMs ?? 15_000;
  const configured = Boolean(o.accessToken && o.projectRef && /^[a-z0-9]{10,40}$/.test(o.projectRef));
  const send = retryingFetch(o.fetch, { ...RETRY_BUDGETS.managementApi, deadlineMs: timeoutMs }, { clock: o.clock, ...(o.sleep ? { sleep: o.sleep } : {}) });
  return {
    configured,
    projectRef: o.projectRef,
    async list() {
      if (!configured) {
        throw new OpsError('upstream_unavailable', 'Listing function secrets needs the Supabase Management API: set SUPABASE_ACCESS_TOKEN (a personal access token) and SUPABASE_PROJECT_REF (or a SUPABASE_URL of the form https://<ref>.supabase.co).');
      }
      const url = `${o.apiUrl.replace(/\/+$/, '')}/v1/projects/${o.projectRef ?? ''}/secrets`;
      let res: Response;
      try {
        res = await send(url, { headers: { authorization: `Bearer ${o.accessToken ?? ''}`, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        throw new UpstreamError(
          timedOut
            ? `The Supabase Management API did not answer within ${Math.round(timeoutMs / 1000)} s; try again, or check https://status.supabase.com.`
            : 'The Supabase Management API could not be reached; try again, or check https://status.supabase.com.',
          { cause: err },
        );
      }
      if (res.status === 401 || res.status === 403) {
        throw new UpstreamError(`Supabase refused the secrets request (HTTP ${res.status}): check SUPABASE_ACCESS_TOKEN (it needs the secrets:read permission) and SUPABASE_PROJECT_REF.`);
      }
      if (res.status === 404) throw new UpstreamError(`Supabase knows no project ${o.projectRef ?? ''} (HTTP 404): check SUPABASE_PROJECT_REF.`);
      if (res.status === 429) throw new UpstreamError('Supabase rate-limited the secrets request (HTTP 429); try again in a minute.');
      if (!res.ok) throw new UpstreamError(`Supabase answered HTTP ${res.status} to the secrets request; try again shortly.`);
      const parsed = SecretsResponse.safeParse(await res.json().catch(() => undefined));
      if (!parsed.success) throw new UpstreamError('Supabase returned a secrets list we could not read (expected [{name, value}]).');
      return parsed.data.map((s) => {
        const at = s.updated_at ? Date.parse(s.updated_at) : Number.NaN;
        return { name: s.name, digest: createHash('sha256').update(s.value ?? '').digest('hex'), updatedAt: Number.isFinite(at) ? at : null };
      });
    },
  };
}
