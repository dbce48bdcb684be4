// Supabase Auth admin calls through @supabase/supabase-js (service-role key). supabase-js
// returns errors instead of throwing; we turn them into UpstreamError so a run fails loudly.
// Its fetch retries a couple of times (network errors, 408, 429, 5xx): a ban is idempotent.
import type { SupabaseClient } from '@supabase/supabase-js';
import { systemClock, type Clock } from '../core/clock.js';
import { OpsError, UpstreamError } from '../core/errors.js';
import { RETRY_BUDGETS, retryingFetch, type Sleep } from '../core/retry.js';
import type { AuthAdmin } from './types.js';

export function supabaseAuthAdmin(opts: { url: string; serviceRoleKey: string | undefined; fetch: typeof fetch; clock?: Clock; sleep?: Sleep }): AuthAdmin {
  const key = opts.serviceRoleKey;
  if (!key) {
    return {
      configured: false,
      setBan: () => Promise.reject(new OpsError('upstream_unavailable', 'SUPABASE_SERVICE_ROLE_KEY is not set; the Auth admin API is not available.')),
    };
  }
  // supabase-js is loaded on the first call, not at start-up.
  let client: Promise<SupabaseClient> | undefined;
  const connect = () => {
    client ??= import('@supabase/supabase-js').then(({ createClient }) =>
      createClient(opts.url, key, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        global: { fetch: retryingFetch(opts.fetch, RETRY_BUDGETS.authAdmin, { clock: opts.clock ?? systemClock, ...(opts.sleep ? { sleep: opts.sleep } : {}) }) },
      }),
    );
    return client;
  };
  const auth = async () => (await connect()).auth.admin;
  return {
    configured: true,
    async setBan(userId, duration) {
      const { error } = await (await auth()).updateUserById(userId, { ban_duration: duration });
      if (error) {
        throw new UpstreamError(`Supabase Auth refused the ${duration === 'none' ? 'unban' : 'ban'} (${error.status ?? '?'}: ${error.message}); nothing else was changed.`);
      }
    },
    async sendRecovery(email) {
      // POST /auth/v1/recover: GoTrue emails the link itself (generate_link would hand it to us).
      const { error } = await (await connect()).auth.resetPasswordForEmail(email);
      if (error) {
        const hint = error.status === 429 ? ' Supabase limits how often one address gets an email; wait a minute and request it again.' : '';
        throw new UpstreamError(`Supabase Auth did not send the password-reset email (${error.status ?? '?'}: ${error.message}).${hint}`);
      }
    },
  };
}
