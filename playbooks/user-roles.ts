// Runbook "Managing Users": grant or revoke a user's role in an organization (public.user_roles).
// Both the user and the organization must exist, checked before anyone is asked to approve. The
// roles are the ones the target database allows (the enum or CHECK list of user_roles.role), so
// the runbook's "Create Admin User" role org_admin works wherever the schema has it.
import { z } from 'zod';
import { InputError, OpsError } from '../src/core/errors.js';
import { definePlaybook, type ReadContext, type Preview } from '../src/playbooks/types.js';
import { allowedRoles, matchRole, type RoleColumnFacts } from './role-values.js';
import { uuid } from './_shared.js';

const params = z
  .object({
    user: uuid,
    org: uuid,
    // Checked against the database's own list at preview; only ever sent as a $n parameter.
    role: z
      .string()
      .trim()
      .regex(/^[^\p{Cc}]{1,63}$/u, 'a role name'),
  })
  .strict();
type Params = z.infer<typeof params>;
const paramHelp = {
  user: 'the user id (uuid)',
  org: 'the organization id (uuid)',
  role: 'a role the target database allows in user_roles.role (its enum or CHECK list), e.g. admin',
};

interface PreviewRow extends Record<string, unknown> {
  user_email: string | null;
  org_name: string | null;
  roles: string[];
  /** Role → id of its user_roles row. */
  role_ids: Record<string, string>;
  user_exists: boolean;
  org_exists: boolean;
}

/** Postgres codes for a value the column refuses: not an enum label, or failing a CHECK. */
const REFUSED_VALUE = new Set(['22P02', '23514']);

async function rolePreview(ctx: ReadContext, p: Params, action: 'grant' | 'revoke'): Promise<Preview> {
  const { row, facts } = await ctx.target.readOnly('playbook-preview', async (tx) => ({
    facts: (await tx.query<RoleColumnFacts & Record<string, unknown>>('playbooks/user-roles/allowed'))[0],
    row: (await tx.query<PreviewRow>('playbooks/user-roles/preview', [p.user, p.org]))[0],
  }));
  if (facts?.has_column !== true) throw new InputError(`This database has no public.user_roles.role column, so ${action}-role cannot work here.`);
  const allowed = allowedRoles(facts);
  const current = row?.roles ?? [];
  let role = p.role;
  if (action === 'grant' && allowed.values !== null) {
    const match = matchRole(allowed.values, p.role);
    if (match === undefined) {
      const list = allowed.values.length ? allowed.values.join(', ') : 'no role at all';
      throw new InputError(
        `Cannot request grant-role:\n• \`role\`: expected one of ${list} — the roles this database allows in user_roles.role (${allowed.source}) (got "${p.role.slice(0, 40)}")`,
      );
    }
    role = match;
  }
  if (action === 'revoke') role = matchRole(current, p.role) ?? p.role;
  if (row?.user_exists !== true) throw new InputError(`No user with id ${p.user} exists.`);
  if (row.org_exists !== true) throw new InputError(`No organization with id ${p.org} exists.`);
  const who = String(row.user_email ?? p.user);
  const where = String(row.org_name ?? p.org);
  if (action === 'grant' && current.includes(role)) throw new InputError(`${who} already has the role ${role} in ${where}.`);
  if (action === 'revoke' && !current.includes(role)) {
    throw new InputError(`${who} does not have the role ${role} in ${where}; their roles there: ${current.length ? current.join(', ') : 'none'}.`);
  }
  const notes =
    action === 'grant' && allowed.values === null
      ? [`user_roles.role is ${allowed.source} with no list of values: the database decides when the row is written`]
      : action === 'grant' && allowed.unparsed.length
        ? [`the database also checks ${allowed.unparsed.join('; ')} when the row is written`]
        : [];
  // A revoke is of one row: its id is in the key, so the row deleted and granted again after the
  // preview (same user, organization and role) is another row, and the run stops.
  const rowId = action === 'revoke' ? row.role_ids[role] : undefined;
  return {
    summary: `${action} ${role} ${action === 'grant' ? 'to' : 'from'} ${who} in ${where}`,
    count: 1,
    items: [`current roles there: ${current.length ? current.join(', ') : 'none'}`, ...notes],
    keys: [rowId ? `${p.user}:${p.org}:${role}:${rowId}` : `${p.user}:${p.org}:${role}`],
    pinned: rowId ? { role, rowId } : { role },
  };
}

/** The role as the database spells it, pinned at preview (the typed text for older requests). */
const approvedRole = (p: Params, approved: Preview): string => (typeof approved.pinned?.role === 'string' ? approved.pinned.role : p.role);

export const grantRole = definePlaybook({
  id: 'grant-role',
  title: 'Grant a role',
  description: 'Gives a user a role in an organization: one of the roles the target database allows in user_roles.role (e.g. admin, org_admin).',
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'roles', verb: 'granted' },
  params,
  paramHelp,
  preview: (ctx, p) => rolePreview(ctx, p, 'grant'),
  async run(ctx, p, approved) {
    const role = approvedRole(p, approved);
    const { rows } = await ctx.admin.transaction('grant-role', (q) => q('playbooks/user-roles/grant', [p.user, p.org, role])).catch((err: unknown) => {
      const code = (err as { code?: string }).code;
      if (code !== undefined && REFUSED_VALUE.has(code)) {
        throw new InputError(`The database refused the role ${role} for user_roles.role: ${(err as Error).message}. Nothing was changed; ask the schema owner which roles user_roles.role allows.`);
      }
      throw err;
    });
    ctx.committed(rows.length, role);
    return { rowsAffected: rows.length, summary: rows.length ? `granted ${role}` : `${role} was already granted; nothing changed` };
  },
});

export const revokeRole = definePlaybook({
  id: 'revoke-role',
  title: 'Revoke a role',
  description: "Removes a user's role in an organization.",
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'roles', verb: 'revoked' },
  params,
  paramHelp: { ...paramHelp, role: 'one of the roles the user has in that organization' },
  preview: (ctx, p) => rolePreview(ctx, p, 'revoke'),
  async run(ctx, p, approved) {
    const role = approvedRole(p, approved);
    const rowId = approved.pinned?.rowId;
    // Requests previewed before rows were pinned never get here: their key has no row id, so the scope check stops them.
    if (typeof rowId !== 'string') throw new OpsError('conflict', 'This request does not name the user_roles row it revokes. Nothing was changed; request it again.');
    // Only the row approved: one granted again during the run is another row, and stays.
    const { rows } = await ctx.admin.transaction('revoke-role', (q) => q('playbooks/user-roles/revoke', [p.user, p.org, role, rowId]));
    ctx.committed(rows.length, role);
    return { rowsAffected: rows.length, summary: rows.length ? `revoked ${role}` : `${role} was already gone; nothing changed` };
  },
});
