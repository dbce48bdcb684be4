// Runbook "Managing Users": disable a user — Supabase Auth ban (blocks sign-in and token
// refresh), profile inactive, sessions deleted. enable-user undoes exactly the reversible part:
// the ban and the profile flag (deleted sessions stay deleted; the user signs in again).
// Scope "keys" with the user as the only key: the run touches that user's rows only, and all
// of their sessions at run time go — including sessions opened after the preview, since a
// disable that left a fresh session alive would not disable anyone. The session count in the
// preview is information, not a limit.
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { definePlaybook, type ReadContext, type Preview } from '../src/playbooks/types.js';
import { mustExist, text, toNum, uuid } from './_shared.js';

/** Go duration accepted by GoTrue's ban_duration: about 100 years. */
export const PERMANENT_BAN = '876000h';

async function userPreview(ctx: ReadContext, user: string, action: 'disable' | 'enable'): Promise<Preview> {
  if (!ctx.authAdmin.configured) {
    throw new InputError(`${action}-user needs the Supabase Auth admin API: set SUPABASE_SERVICE_ROLE_KEY and restart the bot.`);
  }
  const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/disable-user/preview', [user]));
  const r = mustExist(rows[0], `No user with id ${user} exists in auth.users.`);
  const sessions = toNum(r.sessions);
  const banned = r.banned_until instanceof Date ? r.banned_until.toISOString() : null;
  const profile = r.active === null || r.active === undefined ? 'no profile' : r.active ? 'profile active' : 'profile inactive';
  return {
    summary:
      action === 'disable'
        ? `disable ${text(r.email, user)}: ban in Auth, mark the profile inactive, delete ${sessions} session${sessions === 1 ? '' : 's'}`
        : `enable ${text(r.email, user)}: lift the Auth ban and mark the profile active`,
    count: action === 'disable' ? sessions + 1 : 1,
    items: [`${profile}`, `${sessions} session(s), ${toNum(r.legacy_refresh_tokens)} legacy refresh token(s)`, `banned until: ${banned ?? 'not banned'}`],
    keys: [`user:${user}`],
  };
}

export const disableUser = definePlaybook({
  id: 'disable-user',
  title: 'Disable a user',
  description: 'Bans the user in Supabase Auth, marks the profile inactive and deletes their sessions.',
  risk: 'destructive',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'changes (ban, profile, sessions)', verb: 'made' },
  params: z.object({ user: uuid }).strict(),
  paramHelp: { user: 'the user id (uuid) from auth.users' },
  preview: (ctx, p) => userPreview(ctx, p.user, 'disable'),
  async run(ctx, p) {
    const t0 = ctx.clock.monotonic();
    // Ban first: if Auth refuses, nothing else has changed and the run fails cleanly.
    await ctx.authAdmin.setBan(p.user, PERMANENT_BAN);
    ctx.committed(1, 'auth ban');
    const t1 = ctx.clock.monotonic();
    const { rows } = await ctx.admin.transaction('disable-user', (q) => q('playbooks/disable-user/disable', [p.user]));
    const r = rows[0] ?? {};
    const sessions = toNum(r.sessions);
    ctx.committed(toNum(r.profiles) + sessions + toNum(r.refresh_tokens), 'profile + sessions');
    return {
      rowsAffected: 1 + toNum(r.profiles) + sessions + toNum(r.refresh_tokens),
      summary: `banned in Auth, profile inactive, ${sessions} session(s) deleted. Access tokens already issued stay valid until they expire (default 1 h).`,
      steps: [
        { step: 'auth ban', rows: 1, ms: Math.round(t1 - t0) },
        { step: 'profile + sessions', rows: toNum(r.profiles) + sessions + toNum(r.refresh_tokens), ms: Math.round(ctx.clock.monotonic() - t1) },
      ],
    };
  },
});

export const enableUser = definePlaybook({
  id: 'enable-user',
  title: 'Enable a user',
  description: 'Lifts the Supabase Auth ban and marks the profile active again (undoes disable-user).',
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  params: z.object({ user: uuid }).strict(),
  paramHelp: { user: 'the user id (uuid) from auth.users' },
  preview: (ctx, p) => userPreview(ctx, p.user, 'enable'),
  async run(ctx, p) {
    const t0 = ctx.clock.monotonic();
    await ctx.authAdmin.setBan(p.user, 'none');
    ctx.committed(1, 'auth unban');
    const t1 = ctx.clock.monotonic();
    const { rows } = await ctx.admin.transaction('enable-user', (q) => q('playbooks/enable-user/enable', [p.user]));
    const profiles = toNum(rows[0]?.profiles);
    ctx.committed(profiles, 'profile');
    return {
      rowsAffected: profiles + 1,
      summary: `ban lifted in Auth${profiles ? ', profile active again' : ' (profile was already active)'}`,
      steps: [
        { step: 'auth unban', rows: 1, ms: Math.round(t1 - t0) },
        { step: 'profile', rows: profiles, ms: Math.round(ctx.clock.monotonic() - t1) },
      ],
    };
  },
});
