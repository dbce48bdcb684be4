// /maintenance next|list|add|skip: the maintenance calendar. Reading is open to the channel;
// changing it needs the on-call role and is announced in the maintenance channel.
import { describeWindow } from '../src/maintenance/calendar.js';
import { type MaintenanceArgs, maintenanceUsage, parseMaintenanceArgs } from '../src/maintenance/args.js';
import { listMessage, nextMessage } from '../src/maintenance/messages.js';
import type { MaintenanceService } from '../src/maintenance/service.js';
import { escapeMrkdwn } from '../src/slack/blocks.js';
import { subcommand, textArgs, type CommandSpec, type SlackMessage } from '../src/slack/command.js';

type Parsed<S extends MaintenanceArgs['sub']> = Extract<MaintenanceArgs, { sub: S }>;

/** The words after a subcommand, through the one maintenance parser (formats and limits in one place). */
function argsOf<S extends MaintenanceArgs['sub']>(svc: () => MaintenanceService, sub: S) {
  return textArgs((rest) => parseMaintenanceArgs(`${sub} ${rest}`, svc().timezone) as Parsed<S>);
}

export function maintenanceCommand(s: { maintenance: MaintenanceService }): CommandSpec {
  const svc = () => s.maintenance;
  const reply = (text: string): SlackMessage => ({ text });
  return {
    command: '/maintenance',
    description: 'Maintenance windows: the next one, the list, add a one-off window, skip one',
    defaultSub: 'next',
    emptyHelp: () => maintenanceUsage(svc().timezone),
    subcommands: [
      subcommand<Parsed<'next'>, Awaited<ReturnType<MaintenanceService['next']>>>({
        name: 'next',
        example: '/maintenance next',
        description: 'the next maintenance window and which of its notices went out',
        access: 'read',
        args: argsOf(svc, 'next'),
        visibility: 'ephemeral',
        call: () => svc().next(),
        slack: (r) => nextMessage(r.window, r.notices, svc().timezone, svc().now()),
      }),
      subcommand<Parsed<'list'>, Awaited<ReturnType<MaintenanceService['list']>>>({
        name: 'list',
        example: '/maintenance list',
        description: 'upcoming maintenance windows, skipped ones included',
        access: 'read',
        args: argsOf(svc, 'list'),
        visibility: 'ephemeral',
        call: () => svc().list(),
        slack: (windows) => listMessage(windows, svc().timezone, svc().now()),
      }),
      subcommand<Parsed<'add'>, Awaited<ReturnType<MaintenanceService['add']>>>({
        name: 'add',
        argsHint: '<start> <duration> <reason>',
        example: '/maintenance add 2026-12-13T02:00 2h Postgres 16 upgrade',
        description: 'add a one-off window (start in the bot time zone); announced in the maintenance channel',
        access: 'oncall',
        args: argsOf(svc, 'add'),
        once: true,
        visibility: 'ephemeral',
        call: (a, env) => svc().add({ startsAt: a.startsAt, durationMs: a.durationMs, reason: a.reason }, env.actor),
        slack: (r) => {
          const tz = svc().timezone;
          const notices = r.missedNotices.length > 0 ? ` The ${r.missedNotices.map((h) => `${h} h`).join(' and ')} notice time has passed; the announcement replaces it.` : '';
          return reply(`Added a maintenance window: ${describeWindow(r.window, tz)} — ${escapeMrkdwn(r.window.reason)}.${r.announced ? ' Announced in the maintenance channel.' : ' No maintenance channel is configured, so it was not announced.'}${notices}`);
        },
        audit: {
          result: (r) => ({ detail: { windowId: r.window.id, startsAt: new Date(r.window.startsAt).toISOString(), endsAt: new Date(r.window.endsAt).toISOString(), reason: r.window.reason } }),
        },
      }),
      subcommand<Parsed<'skip'>, Awaited<ReturnType<MaintenanceService['skip']>> & { reason: string | null }>({
        name: 'skip',
        argsHint: '<date> [reason]',
        example: '/maintenance skip 2026-12-06 holiday freeze',
        description: 'skip the window starting that day; announced',
        access: 'oncall',
        args: argsOf(svc, 'skip'),
        once: true,
        visibility: 'ephemeral',
        call: async (a, env) => ({ ...(await svc().skip(a.date, a.reason, env.actor)), reason: a.reason }),
        slack: (r) => {
          const tz = svc().timezone;
          return reply(`Skipped ${r.skipped.map((w) => describeWindow(w, tz)).join(', ')}.${r.announced ? ' Announced in the maintenance channel.' : ''} Next window: ${r.next ? describeWindow(r.next, tz) : 'none scheduled'}.`);
        },
        audit: { result: (r) => ({ detail: { windows: r.skipped.map((w) => w.id), reason: r.reason } }) },
      }),
    ],
  };
}
