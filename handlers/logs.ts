// /logs summarize [edge|postgres|auth|file] [since 30m], the "Summarize logs" message shortcut
// on a shared log file, and the "Request <playbook>" buttons of a summary. The model only
// advises: a button starts the normal request, which still needs another person's approval.
import { requireAccess } from '../src/slack/pipeline.js';
import type { BlockAction, ButtonAction, MessageShortcut } from '@slack/bolt';
import { InputError } from '../src/core/errors.js';
import { PLAYBOOK_REQUEST_ACTION, renderSummaryBlocks } from '../src/logs/render.js';
import type { LogsService, SlackFileRef } from '../src/logs/service.js';
import type { LogSummary } from '../src/logs/summary.js';
import { parseLogWindow } from '../src/logs/window.js';
import { quoteInput } from '../src/slack/blocks.js';
import { subcommand, textArgs, type CommandSpec } from '../src/slack/command.js';
import { auditInBackground } from '../src/slack/audit.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { firstDelivery } from '../src/slack/replay.js';
import { createRequest, missingRequired, paramsModal, type PlaybookHandlerServices } from './playbook.js';
import type { Attachments } from '../src/slack/attachments.js';
import { postSummary } from './logs-chart.js';

export const SUMMARIZE_SHORTCUT = 'summarize_logs';
const SOURCES = ['edge', 'postgres', 'auth', 'file'] as const;
type Source = (typeof SOURCES)[number];

const USAGE = 'Usage: `/logs summarize [edge|postgres|auth|file] [since 30m]` — e.g. `/logs summarize edge since 2h`, or `/logs summarize file` for the latest file shared in this channel.';

interface LogsArgs {
  source: Source;
  sinceMs: number;
}

/** Parses the words after `/logs summarize`; throws InputError with the usage. */
export function parseSummarizeArgs(text: string): LogsArgs {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let source: Source = 'edge';
  let window: string | undefined;
  for (const w of words) {
    if ((SOURCES as readonly string[]).includes(w)) source = w as Source;
    else if (w === 'since' || w === 'last') continue;
    else if (window === undefined) window = w;
    else throw new InputError(`I don't understand "${quoteInput(w, 30)}". ${USAGE}`);
  }
  return { source, sinceMs: parseLogWindow(window ?? '30m') };
}

interface FileLike {
  name?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

function fileRef(f: FileLike | undefined): SlackFileRef | undefined {
  const url = f?.url_private_download ?? f?.url_private;
  return f && url ? { name: f.name ?? 'file', size: f.size ?? 0, url } : undefined;
}

/** What a summary adds to its audit row: the headline and who wrote it. */
function summaryNote(summary: LogSummary): Record<string, unknown> {
  return { headline: summary.headline, summarizer: summary.source };
}

export function logsCommand(s: { logs: LogsService; playbooks: PlaybookHandlerServices; attachments?: Attachments }): CommandSpec {
  return {
    command: '/logs',
    description: 'Redacted AI summary of incident logs (Supabase edge, Postgres, auth, or a shared file)',
    emptyHelp: USAGE,
    subcommands: [
      subcommand<LogsArgs, LogSummary>({
        name: 'summarize',
        argsHint: '[edge|postgres|auth|file] [since 30m]',
        example: '/logs summarize edge since 1h',
        description: 'summary of the edge function logs (Gemini, or the offline summary); `/logs summarize file` for the latest log file shared in this channel',
        access: 'oncall',
        args: textArgs(parseSummarizeArgs),
        ack: (a) => `Reading and summarizing ${a.source === 'file' ? 'the latest file here' : `${a.source} logs`}…`,
        // A summary is posted in the channel (and may cost a model call): once per delivery.
        once: true,
        visibility: 'in_channel',
        // The headline goes on the audit row, so an incident's timeline (and its postmortem) says what the summary found.
        audit: { detail: (a) => ({ source: a.source }), result: (summary) => ({ detail: summaryNote(summary) }) },
        async run(args, ctx) {
          let summary: LogSummary;
          if (args.source === 'file') {
            const list = await ctx.client.files.list({ channel: ctx.who.channelId, count: 1 });
            const file = fileRef(list.files?.[0]);
            if (!file) throw new InputError('There is no file shared in this channel that I can see. Upload the log file here (or use the "Summarize logs" shortcut on its message).');
            summary = await s.logs.summarizeFile(file);
          } else {
            summary = await s.logs.summarizeSupabase(args.source, args.sinceMs);
          }
          await postSummary(s.attachments, summary, ctx);
          return summary;
        },
      }),
    ],
    register(app, deps) {
      app.shortcut<MessageShortcut>(SUMMARIZE_SHORTCUT, async ({ ack, shortcut, client, context }) => {
        await ack();
        const { log } = interaction(context, deps.logger);
        const channel = shortcut.channel.id;
        await requireAccess(deps, 'oncall', { userId: shortcut.user.id, channelId: channel });
        if (!(await firstDelivery(deps, shortcut.trigger_id, SUMMARIZE_SHORTCUT, shortcut.user.id))) return;
        const file = fileRef((shortcut.message as { files?: FileLike[] }).files?.[0]);
        if (!file) throw new InputError('That message has no file. Use the shortcut on a message with a log file attached.');
        const summary = await s.logs.summarizeFile(file);
        const msg = renderSummaryBlocks(summary);
        await client.chat.postMessage({ channel, thread_ts: shortcut.message_ts, text: msg.text, blocks: msg.blocks });
        auditInBackground(deps, log, {
          actor: shortcut.user.id,
          action: 'command',
          target: '/logs summarize',
          channel,
          outcome: 'ok',
          detail: { source: 'file', via: 'the Summarize logs shortcut', ...summaryNote(summary) },
        });
      });

      app.action<BlockAction<ButtonAction>>(PLAYBOOK_REQUEST_ACTION, async ({ ack, body, action, client, context }) => {
        await ack();
        const channel = body.channel?.id ?? '';
        describeForAudit(context, { action: PLAYBOOK_REQUEST_ACTION, target: (action.value ?? '').slice(0, 64) });
        await requireAccess(deps, 'oncall', { userId: body.user.id, channelId: channel });
        const playbook = s.playbooks.engine.find(action.value ?? '');
        if (!playbook) throw new InputError('That playbook is not available in this bot.');
        // The form creates nothing; a direct request is claimed once per delivery.
        if (missingRequired(playbook, {}).length === 0 && !(await firstDelivery(deps, body.trigger_id, PLAYBOOK_REQUEST_ACTION, body.user.id))) return;
        if (missingRequired(playbook, {}).length > 0) {
          await client.views.open({ trigger_id: body.trigger_id, view: paramsModal(playbook, {}, channel) });
          return;
        }
        await createRequest(s.playbooks, deps, playbook, {}, body.user.id, channel);
      });
    },
  };
}
