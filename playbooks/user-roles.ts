// Runbook "Managing Users": grant or revoke a user's role in an organization (public.user_roles).
// Both the user and the organization must exist, checked before anyone is asked to approve.
import { z } from 'zod';
import { InputError } from '../src/errors.js';
import { definePlaybook, type PlaybookContext, type Preview } from '../src/playbooks/types.js';
import { uuid } from './_shared.js';

const ROLES = ['admin', 'manager', 'sales', 'viewer'] as const;
const params = z.object({ user: uuid, org: uuid, role: z.string().trim().toLowerCase().pipe(z.enum(ROLES)) }).strict();
type Params = z.infer<typeof params>;
const paramHelp = {
  user: 'the user id (uuid)',
  org: 'the organization id (uuid)',
  role: `one of ${ROLES.join(', ')}`,
};

async function rolePreview(ctx: PlaybookContext, p: Params, action: 'grant' | 'revoke'): Promise<Preview> {
  const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/user-roles/preview', [p.user, p.org]));
  const r = rows[0] ?? {};
  if (r.user_exists !== true) throw new InputError(`No user with id ${p.user} exists.`);
  if (r.org_exists !== true) throw new InputError(`No organization with id ${p.org} exists.`);
  const roles = (r.roles as string[] | undefined) ?? [];
  if (action === 'grant' && roles.includes(p.role)) throw new InputError(`${String(r.user_email)} already has the role ${p.role} in ${String(r.org_name)}.`);
  if (action === 'revoke' && !roles.includes(p.role)) throw new InputError(`${String(r.user_email)} does not have the role ${p.role} in ${String(r.org_name)}.`);
  return {
    summary: `${action} ${p.role} ${action === 'grant' ? 'to' : 'from'} ${String(r.user_email)} in ${String(r.org_name)}`,
    count: 1,
    items: [`current roles there: ${roles.length ? roles.join(', ') : 'none'}`],
    keys: [`${p.user}:${p.org}:${p.role}`],
  };
}

export const grantRole = definePlaybook({
  id: 'grant-role',
  title: 'Grant a role',
  description: "Gives a user a role (admin, manager, sales, viewer) in an organization.",
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  params,
  paramHelp,
  preview: (ctx, p) => rolePreview(ctx, p, 'grant'),
  async run(ctx, p) {
    const { rows } = await ctx.admin.transaction('grant-role', (q) => q('playbooks/user-roles/grant', [p.user, p.org, p.role]));
    return { rowsAffected: rows.length, summary: rows.length ? `granted ${p.role}` : `${p.role} was already granted; nothing changed` };
  },
});

export const revokeRole = definePlaybook({
  id: 'revoke-role',
  title: 'Revoke a role',
  description: "Removes a user's role in an organization.",
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  params,
  paramHelp,
  preview: (ctx, p) => rolePreview(ctx, p, 'revoke'),
  async run(ctx, p) {
    const { rows } = await ctx.admin.transaction('revoke-role', (q) => q('playbooks/user-roles/revoke', [p.user, p.org, p.role]));
    return { rowsAffected: rows.length, summary: rows.length ? `revoked ${p.role}` : `${p.role} was already gone; nothing changed` };
  },
});
