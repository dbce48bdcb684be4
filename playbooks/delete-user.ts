// Runbook "Managing Users": the hard delete ("use with caution"). Destructive, two approvers
// (never the requester: the engine refuses a requester's own approval).
// What goes with the user is read from the catalog, not from a hand list: every foreign key that
// references auth.users, and through ON DELETE CASCADE every key referencing those rows, and so
// on (sql/playbooks/delete-user/cascade.sql) — profiles, roles, sessions, their refresh tokens,
// whatever the schema adds later. Rows that reference the user without a cascade (leads assigned
// to them, interactions they wrote: NO ACTION / RESTRICT) would make the delete fail; the request
// is refused before anyone approves, listing them, so they can be reassigned first.
// The scope is pinned (scope "count" with a fingerprint): the preview counts every path's rows and
// digests their keys. The run, in one transaction, locks every one of those rows (so none can join
// or leave the cascade until it commits), counts them again and stops, deleting nothing, when
// anything differs from what was approved; then it takes the safety export of exactly those rows
// into the state store, and only once that committed deletes the user — the foreign keys remove
// exactly the rows it locked — and checks that nothing of the cascade is left.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError, OpsError } from '../src/core/errors.js';
import { formatCount } from '../src/core/format.js';
import type { AdminQuery } from '../src/db/admin.js';
import type { ReadOnlyTx } from '../src/db/target.js';
import { definePlaybook, ScopeChangedError, type Playbook, type Preview } from '../src/playbooks/types.js';
import type { ExportedTable, UserExportStore } from '../src/playbooks/user-exports.js';
import { mustExist, text, uuid } from './_shared.js';

export const DELETE_USER_ID = 'delete-user';

type Action = 'delete' | 'set null' | 'set default' | 'blocks' | 'delete-explicit';

/** One path of the cascade: a table reached through a chain of foreign keys, and its rows now. */
export interface CascadeNode {
  depth: number;
  table: string;
  via: string;
  action: Action;
  rows: number;
  fingerprint: string;
}

interface CatalogNode {
  depth: number;
  tbl: string;
  via: string;
  action: Action;
  selector: string;
  key: string;
}

const params = z.object({ user: uuid }).strict();
type Params = z.infer<typeof params>;

/** Rows a path changes when the user goes (deleted, or their reference cleared). */
const changes = (n: Pick<CascadeNode, 'action'>) => n.action !== 'blocks';
const verb: Record<Action, string> = {
  delete: 'deleted',
  'delete-explicit': 'deleted',
  'set null': 'reference set to NULL',
  'set default': 'reference set to its default',
  blocks: 'BLOCKS the delete',
};

function scopeOf(nodes: CascadeNode[]): { count: number; fingerprint: string } {
  const canonical = nodes
    .filter(changes)
    .map((n) => `${n.table}|${n.via}|${n.action}|${n.rows}|${n.fingerprint}`)
    .sort()
    .join('\n');
  return { count: nodes.filter(changes).reduce((s, n) => s + n.rows, 0), fingerprint: createHash('sha256').update(canonical).digest('hex') };
}

const line = (n: CascadeNode) => `${n.table}: ${formatCount(n.rows)} row${n.rows === 1 ? '' : 's'} ${verb[n.action]}${n.depth > 0 ? ` (via ${n.via})` : ''}`;

function nodesOf(detail: Record<string, unknown> | undefined): CascadeNode[] {
  return Array.isArray(detail?.cascade) ? (detail.cascade as CascadeNode[]) : [];
}

/** Why the locked rows differ from the approved ones, path by path; undefined when they match. */
export function cascadeDifference(approved: CascadeNode[], now: CascadeNode[]): string | undefined {
  const key = (n: CascadeNode) => `${n.table}|${n.via}|${n.action}`;
  const before = new Map(approved.filter(changes).map((n) => [key(n), n]));
  const after = new Map(now.map((n) => [key(n), n]));
  const diffs: string[] = [];
  for (const n of now) {
    if (n.action === 'blocks' && n.rows > 0) diffs.push(`${n.table} now has ${formatCount(n.rows)} row(s) that block the delete (${n.via})`);
  }
  for (const [k, a] of before) {
    const b = after.get(k);
    if (!b) diffs.push(`${a.table} (${a.via}) is no longer part of the cascade`);
    else if (b.rows !== a.rows) diffs.push(`${a.table}: ${formatCount(b.rows)} row(s) now, ${formatCount(a.rows)} approved`);
    else if (b.fingerprint !== a.fingerprint) diffs.push(`${a.table}: ${formatCount(a.rows)} row(s), as approved, but not the approved ones (rows were swapped)`);
  }
  for (const [k, b] of after) {
    if (!before.has(k) && changes(b) && b.rows > 0) diffs.push(`${b.table} (${b.via}): ${formatCount(b.rows)} row(s) that were not in the preview`);
  }
  return diffs.length ? diffs.join('; ') : undefined;
}

async function cascadeRead(tx: ReadOnlyTx, user: string): Promise<CascadeNode[]> {
  const catalog = await tx.query<CatalogNode & Record<string, unknown>>('playbooks/delete-user/cascade');
  const out: CascadeNode[] = [];
  for (const c of catalog) {
    const r = await tx.section<{ n: number; fingerprint: string }>('playbooks/delete-user/node-count', [user], { fragments: { selector: c.selector, key: c.key } });
    if (!r.ok) throw new OpsError('upstream_unavailable', `Could not count the rows of ${c.tbl} that go with the user (${r.message}). Nothing was requested.`);
    out.push({ depth: c.depth, table: c.tbl, via: c.via, action: c.action, rows: r.rows[0]?.n ?? 0, fingerprint: r.rows[0]?.fingerprint ?? '' });
  }
  return out;
}

/** The delete-user playbook, keeping its safety exports in `exports`. */
export function deleteUserPlaybook(exports: UserExportStore): Playbook<Params> {
  return definePlaybook({
    id: DELETE_USER_ID,
    title: 'Delete a user (hard delete)',
    description:
      'Deletes the user from auth.users with everything that cascades from it (found from the foreign keys), after a safety export of those rows. Prefer disable-user unless the user must be erased.',
    risk: 'destructive',
    approvals: 2,
    scope: 'count',
    effect: { noun: 'rows', verb: 'deleted or cleared' },
    params,
    paramHelp: { user: 'the user id (uuid) from auth.users' },
    async preview(ctx, p, approved): Promise<Preview> {
      const { user, nodes } = await ctx.target.readOnly('playbook-preview', async (tx) => {
        const u = mustExist((await tx.query('playbooks/delete-user/user', [p.user]))[0], `No user with id ${p.user} exists in auth.users. Nothing was requested.`);
        return { user: u, nodes: await cascadeRead(tx, p.user) };
      });
      const who = text(user.email, p.user);
      const blockers = nodes.filter((n) => n.action === 'blocks' && n.rows > 0);
      // Refused before anyone is asked; when re-checked before a run, the run's own check stops it.
      if (blockers.length && !approved) {
        throw new InputError(
          `${who} cannot be deleted as things stand: ${blockers.map((b) => `${formatCount(b.rows)} row(s) of ${b.table} reference the user (${b.via}, no ON DELETE CASCADE or SET NULL)`).join('; ')}. The delete would fail. Reassign or remove those rows first (e.g. assign the leads to another user), or use \`disable-user\` to block the account instead. Nothing was requested.`,
        );
      }
      const scope = scopeOf(nodes);
      const shown = nodes.filter((n) => changes(n) && n.rows > 0);
      const tables = new Set(shown.map((n) => n.table)).size;
      const items = [
        'first: a safety export of all these rows into the state store (opsbot.user_exports)',
        ...shown.map(line),
        'access tokens already issued stay valid until they expire (1 h by default)',
      ];
      return {
        summary: `delete ${who} for good: ${formatCount(scope.count)} row(s) in ${tables} table(s) are deleted or cleared with the user, all found from the foreign keys`,
        count: scope.count,
        items: items.length > 20 ? [...items.slice(0, 19), `… and ${items.length - 19} more paths (see --json)`] : items,
        fingerprint: scope.fingerprint,
        pinned: { user: p.user },
        detail: { email: who, cascade: nodes },
      };
    },
    async run(ctx, p, approved, meta) {
      const t0 = ctx.clock.monotonic();
      const approvedNodes = nodesOf(approved.detail);
      const result = await ctx.admin.transaction('delete-user', async (q: AdminQuery) => {
        const catalog = (await q<CatalogNode & Record<string, unknown>>('playbooks/delete-user/cascade')).rows;
        // Lock every row of the cascade, parents first, and count them again under the locks.
        const locked: CascadeNode[] = [];
        for (const c of catalog) {
          const { rows } = await q<{ n: number; fingerprint: string }>('playbooks/delete-user/node-lock', [p.user], { selector: c.selector, key: c.key });
          locked.push({ depth: c.depth, table: c.tbl, via: c.via, action: c.action, rows: rows[0]?.n ?? 0, fingerprint: rows[0]?.fingerprint ?? '' });
        }
        // The approved fingerprint is part of the plan hash: it decides; the per-path list explains.
        const locks = scopeOf(locked);
        const why =
          cascadeDifference(approvedNodes, locked) ??
          (locks.fingerprint !== approved.fingerprint || locks.count !== approved.count ? `${formatCount(locks.count)} row(s) now, ${formatCount(approved.count)} approved, not the same rows` : undefined);
        if (why) throw new ScopeChangedError(`the rows that go with the user changed after the preview: ${why}. Nothing was deleted; request it again to see and approve the current scope.`);
        // The safety export, of exactly the locked rows, committed before anything is deleted.
        const tables: ExportedTable[] = [];
        for (const c of catalog) {
          if (c.action === 'blocks') continue;
          const { rows } = await q<{ rows: unknown[] }>('playbooks/delete-user/node-export', [p.user], { selector: c.selector, key: c.key });
          tables.push({ table: c.tbl, via: c.via, action: c.action, rows: rows[0]?.rows ?? [] });
        }
        const saved = await exports.save({ requestId: meta.requestId, userId: p.user, takenAt: ctx.clock.now(), tables });
        const t1 = ctx.clock.monotonic();
        const legacy = (await q<{ n: number }>('playbooks/delete-user/delete-legacy-tokens', [p.user])).rows[0]?.n ?? 0;
        const users = (await q<{ n: number }>('playbooks/delete-user/delete-user', [p.user])).rows[0]?.n ?? 0;
        if (users !== 1) throw new ScopeChangedError('the user was gone when the delete ran. Nothing else was deleted.');
        // What the foreign keys were to remove must be gone now; anything left rolls it all back.
        for (const c of catalog) {
          const { rows } = await q<{ n: number }>('playbooks/delete-user/node-count', [p.user], { selector: c.selector, key: c.key });
          const left = rows[0]?.n ?? 0;
          if (left > 0) throw new OpsError('conflict', `${formatCount(left)} row(s) of ${c.tbl} (${c.via}) still reference the user after the delete; it was rolled back, nothing was deleted. The safety export ${saved.id} was kept.`);
        }
        return { locked, saved, legacy, ms: [Math.round(t1 - t0), Math.round(ctx.clock.monotonic() - t1)] as const };
      });
      const changed = result.locked.filter((n) => changes(n) && n.rows > 0);
      const total = changed.reduce((s, n) => s + n.rows, 0);
      ctx.committed(total, 'delete user');
      return {
        rowsAffected: total,
        summary: `deleted ${text(approved.detail?.email, p.user)} with ${formatCount(total - 1)} row(s) that went with it (${changed
          .filter((n) => n.depth > 0)
          .map((n) => `${formatCount(n.rows)} ${n.table}${n.action === 'set null' || n.action === 'set default' ? ' cleared' : ''}`)
          .join(', ') || 'nothing else'}); safety export ${result.saved.id} (${formatCount(result.saved.rowCount)} rows, sha256 ${result.saved.sha256.slice(0, 12)}…) in opsbot.user_exports. Access tokens already issued stay valid until they expire (1 h by default).`,
        steps: [
          { step: 'lock, recount, safety export', rows: result.saved.rowCount, ms: result.ms[0], note: `export ${result.saved.id}` },
          { step: 'delete', rows: total, ms: result.ms[1], note: changed.map(line).join('; ') },
        ],
        detail: { exportId: result.saved.id, exportSha256: result.saved.sha256, exportRows: result.saved.rowCount, legacyRefreshTokens: result.legacy, cascade: result.locked },
      };
    },
  });
}
