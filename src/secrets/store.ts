// What the bot remembers of each function secret, to tell when it changed when the Management
// API does not say: a salted SHA-256 of the value's digest (never the value, never the plain
// digest: a salt per secret means a stored fingerprint cannot be matched against a guessed value
// without also knowing the salt, and differs between installations), with when it was first
// seen, last seen changing and last seen at all.
import { createHash, randomBytes } from 'node:crypto';
import type { StateStore } from '../state/store.js';

export interface SecretRecord {
  name: string;
  salt: string;
  digest: string;
  firstSeenAt: number;
  changedAt: number | null;
  lastSeenAt: number;
  goneAt: number | null;
}

/** The salted fingerprint of a value's digest. */
export function fingerprint(salt: string, valueDigest: string): string {
  return createHash('sha256').update(`${salt}:${valueDigest}`).digest('hex');
}

export interface SecretStore {
  /** Every secret seen so far, by name. */
  all(): Promise<Map<string, SecretRecord>>;
  /**
   * Records a sighting: `previous` is the record it was compared with (undefined when new),
   * `changed` whether the digest differs. Returns nothing; read again for the result.
   */
  seen(name: string, valueDigest: string, now: number, previous: SecretRecord | undefined, changed: boolean, apiChangedAt: number | null): Promise<void>;
  /** Marks every secret not in `names` as gone. */
  markGone(names: string[], now: number): Promise<string[]>;
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : null);

export function stateSecretStore(state: Pick<StateStore, 'query'>): SecretStore {
  return {
    async all() {
      const rows = await state.query('state/secrets/list');
      return new Map(
        rows.map((r) => [
          String(r.name),
          { name: String(r.name), salt: String(r.salt), digest: String(r.digest), firstSeenAt: ms(r.first_seen_at) ?? 0, changedAt: ms(r.changed_at), lastSeenAt: ms(r.last_seen_at) ?? 0, goneAt: ms(r.gone_at) },
        ]),
      );
    },
    async seen(name, valueDigest, now, previous, changed, apiChangedAt) {
      const salt = randomBytes(16).toString('hex');
      await state.query('state/secrets/seen', [name, salt, fingerprint(salt, valueDigest), new Date(now), previous?.digest ?? null, apiChangedAt === null ? null : new Date(apiChangedAt), changed]);
    },
    async markGone(names, now) {
      return (await state.query('state/secrets/gone', [names, new Date(now)])).map((r) => String(r.name));
    },
  };
}
