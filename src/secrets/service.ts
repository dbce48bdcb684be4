// /secrets: the project's function secrets with when each last changed, flagged when older than
// SECRET_MAX_AGE_DAYS, and /secrets rotate <name>: the runbook's rotation steps as a tracked
// checklist (who ticked which step, when). Where the change date comes from, best first: the
// Management API's updated_at when it gives one; else the moment the bot saw the value's
// fingerprint change; else nothing is known but "unchanged since the bot first saw it", which
// is a lower bound on its age — enough to flag it once that alone passes the limit.
import { InputError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Checklist, ChecklistItemInput } from '../checklist/types.js';
import type { ChecklistService } from '../checklist/service.js';
import type { SecretSource } from './management-api.js';
import { fingerprint, type SecretRecord, type SecretStore } from './store.js';

const DAY_MS = 86_400_000;

export const ROTATE_KIND = 'secrets.rotate';

/** The runbook's five steps of "Rotate API Keys". */
export const ROTATION_STEPS: readonly ChecklistItemInput[] = [
  { key: 'new-key', label: 'Generate a new key at the provider (keep the old one active for now)' },
  { key: 'set-secret', label: 'Update the secret in Supabase (Edge Functions → Secrets, or the CLI)' },
  { key: 'redeploy', label: 'Redeploy the edge functions that use it' },
  { key: 'test', label: 'Test: `/health edge` and the AI chat work with the new key' },
  { key: 'revoke-old', label: 'Revoke the old key at the provider' },
];

export type SecretStatus = 'ok' | 'old' | 'unknown';

export interface SecretAge {
  name: string;
  /** When it last changed (ms), or null when unknown. */
  changedAt: number | null;
  /** Where changedAt comes from. */
  source: 'api' | 'fingerprint' | 'unknown';
  /** When the bot first saw it (ms). */
  firstSeenAt: number;
  /** Days since changedAt; when unknown, days since first seen (a lower bound). */
  ageDays: number;
  status: SecretStatus;
}

export interface SecretsReport {
  projectRef: string;
  at: number;
  maxAgeDays: number;
  secrets: SecretAge[];
  /** Secrets the bot saw before that the API no longer lists (deleted). */
  gone: string[];
}

export interface RotationPosted {
  name: string;
  checklist: Checklist;
  /** False when the API could not be asked whether the secret exists (the checklist is posted anyway). */
  confirmed: boolean;
}

export interface SecretsService {
  /** The secrets with their ages, recording what changed since the last look. */
  list(): Promise<SecretsReport>;
  /** Posts the rotation checklist for `name` in `channel`, on behalf of `actor`. */
  rotate(name: string, where: { channel: string; actor: string }): Promise<RotationPosted>;
}

/** A secret name as Supabase accepts them (an environment variable name). */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function createSecretsService(d: { source: SecretSource; store: SecretStore; checklists: ChecklistService; clock: Clock; logger: Logger; maxAgeDays: number }): SecretsService {
  const list = async (): Promise<SecretsReport> => {
    const secrets = await d.source.list();
    const now = d.clock.now();
    const known = await d.store.all();
    for (const s of secrets) {
      const prev = known.get(s.name);
      const changed = prev !== undefined && !sameValue(prev, s.digest);
      await d.store.seen(s.name, s.digest, now, prev, changed, s.updatedAt);
    }
    const gone = await d.store.markGone(
      secrets.map((s) => s.name),
      now,
    );
    const after = await d.store.all();
    const ages = secrets
      .map((s): SecretAge => {
        const r = after.get(s.name);
        const firstSeenAt = r?.firstSeenAt ?? now;
        const changedAt = s.updatedAt ?? r?.changedAt ?? null;
        const source = s.updatedAt !== null ? 'api' : r?.changedAt ? 'fingerprint' : 'unknown';
        const ageDays = Math.max(0, Math.floor((now - (changedAt ?? firstSeenAt)) / DAY_MS));
        const status: SecretStatus = ageDays > d.maxAgeDays ? 'old' : changedAt === null ? 'unknown' : 'ok';
        return { name: s.name, changedAt, source, firstSeenAt, ageDays, status };
      })
      .sort((a, b) => rank(a.status) - rank(b.status) || b.ageDays - a.ageDays || a.name.localeCompare(b.name));
    return { projectRef: d.source.projectRef ?? '', at: now, maxAgeDays: d.maxAgeDays, secrets: ages, gone };
  };

  return {
    list,
    async rotate(name, where) {
      if (!SECRET_NAME.test(name)) throw new InputError('Give the secret’s name as `/secrets list` shows it, e.g. `/secrets rotate LOVABLE_API_KEY` (letters, digits and _).');
      let confirmed = false;
      try {
        const names = (await d.source.list()).map((s) => s.name);
        if (!names.includes(name)) {
          throw new InputError(`The project has no function secret named ${name}. It has: ${names.slice(0, 30).join(', ') || 'none'}. Nothing was posted.`);
        }
        confirmed = true;
      } catch (err) {
        if (err instanceof InputError) throw err;
        // Rotation is often urgent (a leaked key): the checklist is worth more than the check.
        d.logger.warn({ err }, 'could not confirm the secret exists before posting its rotation checklist');
      }
      const checklist = await d.checklists.post(
        {
          kind: ROTATE_KIND,
          title: `Rotate ${name}`,
          description: `Runbook “Rotate API Keys”. Set the new value with \`supabase secrets set ${name}=…\` or in the dashboard — never paste a value in Slack. \`/secrets\` shows it as changed once done.${confirmed ? '' : ' _The bot could not ask Supabase whether this secret exists (Management API unavailable)._'}`,
          items: [...ROTATION_STEPS],
          access: 'oncall',
          context: { secret: name },
          createdBy: where.actor,
        },
        { channel: where.channel },
      );
      return { name, checklist, confirmed };
    },
  };
}

const rank = (s: SecretStatus) => (s === 'old' ? 0 : s === 'unknown' ? 1 : 2);

function sameValue(prev: SecretRecord, digest: string): boolean {
  return fingerprint(prev.salt, digest) === prev.digest;
}
