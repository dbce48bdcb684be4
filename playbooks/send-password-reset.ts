// Runbook "Managing Users": send a user a password-reset email. A write (it changes the user's
// recovery token and sends mail), one approval. Supabase Auth sends the email itself (POST
// /recover): the recovery link goes to the user's address only, never to Slack or the bot's logs.
// Scope "keys": the user and the address the approver saw; if the address changed since the
// preview the run stops, so a reset never goes to an address nobody approved.
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import { definePlaybook } from '../src/playbooks/types.js';
import { mustExist, text, uuid } from './_shared.js';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : null);

export const sendPasswordReset = definePlaybook({
  id: 'send-password-reset',
  title: 'Send a password-reset email',
  description: 'Has Supabase Auth email the user a password-reset (recovery) link; the link never passes through the bot.',
  risk: 'write',
  approvals: 1,
  scope: 'keys',
  effect: { noun: 'emails', verb: 'sent' },
  params: z.object({ user: uuid }).strict(),
  paramHelp: { user: 'the user id (uuid) from auth.users' },
  async preview(ctx, p, approved) {
    if (!ctx.authAdmin.configured || !ctx.authAdmin.sendRecovery) {
      throw new InputError('send-password-reset needs the Supabase Auth API: set SUPABASE_SERVICE_ROLE_KEY and restart the bot. Nothing was requested.');
    }
    const rows = await ctx.target.readOnly('playbook-preview', (tx) => tx.query('playbooks/send-password-reset/preview', [p.user]));
    const r = mustExist(rows[0], `No user with id ${p.user} exists in auth.users. Nothing was requested.`);
    const email = text(r.email);
    if (!approved) {
      if (!email) throw new InputError(`User ${p.user} has no email address (phone or SSO sign-in?), so there is nowhere to send a reset. Nothing was requested.`);
      if (r.deleted_at instanceof Date) throw new InputError(`User ${p.user} was deleted (soft delete) on ${iso(r.deleted_at) ?? '?'}; a reset would not help. Nothing was requested.`);
    }
    const banned = r.banned_until instanceof Date && r.banned_until.getTime() > ctx.clock.now();
    return {
      summary: `email a password-reset link to ${email || '(no email)'} (sent by Supabase Auth; the link expires per the project's email OTP expiry, 1 h by default)`,
      count: 1,
      items: [
        `email confirmed: ${iso(r.email_confirmed_at) ?? 'NO — the reset confirms the address when used'}`,
        `last sign-in: ${iso(r.last_sign_in_at) ?? 'never'}`,
        banned ? `BANNED until ${iso(r.banned_until) ?? '?'}: the user cannot sign in after the reset until enable-user lifts the ban` : 'not banned',
        'Supabase rate-limits these emails per address (about one a minute); a 429 says to wait',
      ],
      keys: [`user:${p.user}`, `email:${email.toLowerCase()}`],
    };
  },
  async run(ctx, _p, approved) {
    const email = (approved.keys ?? []).find((k) => k.startsWith('email:'))?.slice('email:'.length) ?? '';
    if (!email || !ctx.authAdmin.sendRecovery) throw new InputError('The approved request has no email address to send to. Nothing was sent.');
    const t0 = ctx.clock.monotonic();
    await ctx.authAdmin.sendRecovery(email);
    ctx.committed(1, 'recovery email');
    return {
      rowsAffected: 1,
      summary: `Supabase Auth sent a password-reset email to ${email}. Tell the user to use the newest email only; earlier links stop working.`,
      steps: [{ step: 'recovery email', rows: 1, ms: Math.round(ctx.clock.monotonic() - t0) }],
    };
  },
});
