// /maintenance next|list|add|skip: the maintenance calendar. Reading is open to the channel;
// changing it needs the on-call role and is announced in the maintenance channel.
import type { Access } from '../src/slack/authz.js';
import { ForbiddenError } from '../src/core/errors.js';
import { describeWindow } from '../src/maintenance/calendar.js';
import { type MaintenanceArgs, maintenanceUsage, parseMaintenanceArgs } from '../src/maintenance/args.js';
import { listMessage, nextMessage } from '../src/maintenance/messages.js';
import type { MaintenanceService } from '../src/maintenance/service.js';
import { auditInBackground } from '../src/slack/audit.js';
import { escapeMrkdwn } from '../src/slack/blocks.js';
import type { CommandSpec } from '../src/slack/command.js';
import { interaction } from '../src/slack/context.js';
import { firstDelivery, REPLAY_MESSAGE } from '../src/slack/replay.js';

const ACCESS: Record<MaintenanceArgs['sub'], Access> = { next: 'read', list: 'read', help: 'read', add: 'oncall', skip: 'oncall' };

export function maintenanceCommand(svc: MaintenanceService): CommandSpec {
  return {
    command: '/maintenance',
    description: 'Maintenance windows: the next one, the list, add a one-off window, skip one',
    usageHint: 'next | list | add <start> <duration> <reason> | skip <date> [reason]',
    usage: [
      { example: '/maintenance next', description: 'the next maintenance window and which of its notices went out', access: 'read' },
      { example: '/maintenance list', description: 'upcoming maintenance windows, skipped ones included', access: 'read' },
      {
        example: '/maintenance add 2026-12-13T02:00 2h Postgres 16 upgrade',
        description: 'add a one-off window (start in the bot time zone); announced in the maintenance channel',
        access: 'oncall',
      },
      { example: '/maintenance skip 2026-12-06 holiday freeze', description: 'skip the window starting that day; announced', access: 'oncall' },
    ],
    register(app, deps) {
      app.command('/maintenance', async ({ command, ack, respond, context }) => {
        const { log } = interaction(context, deps.logger);
        let args: MaintenanceArgs;
        try {
          args = parseMaintenanceArgs(command.text, svc.timezone);
        } catch (err) {
          // Pure parsing: the format help goes back in the ack, before any I/O.
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        if (args.sub === 'help') {
          await ack({ response_type: 'ephemeral', text: maintenanceUsage(svc.timezone) });
          return;
        }
        await ack();
        const who = { userId: command.user_id, channelId: command.channel_id };
        const audit = (outcome: string, detail: Record<string, unknown> = {}) =>
          auditInBackground(deps, log, { actor: who.userId, action: 'command', target: `/maintenance ${args.sub}`, channel: who.channelId, outcome, detail });
        const decision = await deps.authz.check(ACCESS[args.sub], who);
        // The refusal is audited once, by the global error handler.
        if (!decision.allowed) throw new ForbiddenError(decision.message);
        if ((args.sub === 'add' || args.sub === 'skip') && !(await firstDelivery(deps, command.trigger_id, `/maintenance ${args.sub}`, who.userId))) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: REPLAY_MESSAGE });
          return;
        }
        const tz = svc.timezone;
        const now = svc.now();
        switch (args.sub) {
          case 'next': {
            const r = await svc.next();
            const msg = nextMessage(r.window, r.notices, tz, now);
            await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
            break;
          }
          case 'list': {
            const msg = listMessage(await svc.list(), tz, now);
            await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
            break;
          }
          case 'add': {
            const r = await svc.add({ startsAt: args.startsAt, durationMs: args.durationMs, reason: args.reason }, who.userId);
            const notices = r.missedNotices.length > 0 ? ` The ${r.missedNotices.map((h) => `${h} h`).join(' and ')} notice time has passed; the announcement replaces it.` : '';
            await respond({
              response_type: 'ephemeral',
              replace_original: false,
              text: `Added a maintenance window: ${describeWindow(r.window, tz)} — ${escapeMrkdwn(r.window.reason)}.${r.announced ? ' Announced in the maintenance channel.' : ' No maintenance channel is configured, so it was not announced.'}${notices}`,
            });
            audit('ok', { windowId: r.window.id, startsAt: new Date(r.window.startsAt).toISOString(), endsAt: new Date(r.window.endsAt).toISOString(), reason: r.window.reason });
            return;
          }
          case 'skip': {
            const r = await svc.skip(args.date, args.reason, who.userId);
            await respond({
              response_type: 'ephemeral',
              replace_original: false,
              text: `Skipped ${r.skipped.map((w) => describeWindow(w, tz)).join(', ')}.${r.announced ? ' Announced in the maintenance channel.' : ''} Next window: ${r.next ? describeWindow(r.next, tz) : 'none scheduled'}.`,
            });
            audit('ok', { windows: r.skipped.map((w) => w.id), reason: args.reason });
            return;
          }
        }
        audit('ok');
      });
    },
  };
}
