// The runbook's P0 breach response as two playbooks on the approval gate: lockdown-start
// (evidence, revoke every session, switch off integrations, checklist, reminders) and
// lockdown-lift (re-enable exactly what the lockdown switched off). Both allow break-glass.
// What "the scope the approver saw" means here, decided on purpose:
// - lockdown-start approves an action, not a list: "revoke every session and switch off every
//   integration". Its key is that action (a fresh start, or completing lockdown <id>), so the
//   run stops if that changed; but it revokes the sessions and switches off the integrations
//   that exist when it runs, including any created after the preview — in a breach, a session
//   opened after the preview may well be the attacker's, and leaving it alive would defeat the
//   lockdown. The counts in the preview are information, not a limit; the run reports its own.
// - lockdown-lift approves re-enabling exactly the integrations it lists: they are its keys,
//   the run re-enables only those, and a different set stops it before anything is re-enabled.
import { z } from 'zod';
import { InputError } from '../src/core/errors.js';
import type { LockdownService } from '../src/lockdown/service.js';
import { definePlaybook, type Playbook } from '../src/playbooks/types.js';

const reason = z.string().trim().min(5, 'a reason of at least 5 characters').max(500, 'a reason of at most 500 characters');

export const LOCKDOWN_PLAYBOOK_IDS = ['lockdown-start', 'lockdown-lift'] as const;

export function lockdownPlaybooks(svc: LockdownService): Playbook<unknown>[] {
  const start = definePlaybook({
    id: 'lockdown-start',
    title: 'Start breach lockdown',
    description: 'Preserves evidence, revokes every session and refresh token, switches off every active integration (runbook: Data Breach).',
    risk: 'destructive',
    approvals: 1,
    breakGlass: true,
    scope: 'keys',
    effect: { noun: 'sessions, tokens and integrations', verb: 'revoked or switched off' },
    params: z.object({ reason }).strict(),
    paramHelp: { reason: 'why: what was breached or suspected (5–500 characters)' },
    async preview() {
      const p = await svc.preview();
      if (p.open?.state === 'active') {
        throw new InputError(`Lockdown is already active since ${p.open.activeSince?.toISOString() ?? '?'} (started by <@${p.open.startedBy}>). Nothing changed.`);
      }
      const resume = p.open?.state === 'starting';
      return {
        summary: `${resume ? 'complete the unfinished lockdown: ' : ''}revoke ${p.sessions} sessions and ${p.legacyTokens} session-less refresh tokens (${p.refreshTokens} refresh tokens in all), switch off ${p.integrationsActive} of ${p.integrationsTotal} integrations`,
        count: p.sessions + p.legacyTokens + p.integrationsActive,
        items: [
          resume ? 'evidence already preserved by the first attempt is kept, not captured again' : 'first: preserve evidence (7 days of auth audit entries, the sessions, the integrations)',
          `${p.sessions} sessions, ${p.refreshTokens} refresh tokens (${p.legacyTokens} without a session)`,
          `${p.integrationsActive} active integrations (${p.integrationsTotal - p.integrationsActive} already off stay off)`,
          'access tokens already issued stay valid until they expire (1 h by default)',
        ],
        keys: [resume && p.open ? `lockdown:complete:${p.open.id}` : 'lockdown:start'],
      };
    },
    async run(ctx, p, _approved, meta) {
      const r = await svc.start({
        reason: p.reason,
        requestedBy: meta.requestedBy,
        approvedBy: meta.approvers.at(-1) ?? meta.requestedBy,
        breakGlass: meta.breakGlassReason !== null,
        channel: meta.channel,
        requestId: meta.requestId,
        heartbeat: () => ctx.heartbeat(),
        committed: (n, step) => ctx.committed(n, step),
      });
      return {
        rowsAffected: r.sessionsRevoked + r.tokensRevoked + r.integrationsDisabled,
        summary: `lockdown active: evidence ${r.evidence.reused ? 'kept from the first attempt' : 'preserved'} (${r.evidence.auditEntries} audit entries, ${r.evidence.sessions} sessions, ${r.evidence.integrations} integrations); ${r.sessionsRevoked} sessions and ${r.tokensRevoked} refresh tokens revoked; ${r.integrationsDisabled} integrations switched off. Access tokens already issued stay valid until they expire (1 h by default).`,
        steps: r.steps,
        detail: { lockdownId: r.lockdown.id },
      };
    },
  });

  const lift = definePlaybook({
    id: 'lockdown-lift',
    title: 'Lift breach lockdown',
    description: 'Re-enables exactly the integrations the lockdown switched off and closes the lockdown.',
    risk: 'destructive',
    approvals: 1,
    breakGlass: true,
    scope: 'keys',
    effect: { noun: 'integrations', verb: 're-enabled' },
    params: z.object({ reason }).strict(),
    paramHelp: { reason: 'why it is safe to lift (5–500 characters)' },
    async preview() {
      const open = await svc.current();
      if (open?.state !== 'active') throw new InputError('No lockdown is active, so there is nothing to lift.');
      const integrations = (await svc.integrations(open.id)).filter((i) => i.reenabledAt === null);
      return {
        summary: `lift the lockdown active since ${open.activeSince?.toISOString() ?? '?'}; re-enable ${integrations.length} integration(s) it switched off`,
        count: integrations.length,
        items: integrations.map((i) => `${i.provider} (${i.id})`),
        keys: [`lockdown:${open.id}`, ...integrations.map((i) => `integration:${i.id}`)],
      };
    },
    async run(ctx, p, approved, meta) {
      const only = (approved.keys ?? []).filter((k) => k.startsWith('integration:')).map((k) => k.slice('integration:'.length));
      const r = await svc.lift({ reason: p.reason, by: meta.approvers.at(-1) ?? meta.requestedBy, requestId: meta.requestId, only });
      ctx.committed(r.reenabled, 're-enable integrations');
      const hours = (r.durationMs / 3_600_000).toFixed(1);
      return {
        rowsAffected: r.reenabled,
        summary: `lockdown lifted after ${hours} h; ${r.reenabled} integration(s) re-enabled`,
        detail: { lockdownId: r.lockdown.id, durationMs: r.durationMs },
      };
    },
  });

  return [start, lift];
}
