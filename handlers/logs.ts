// /logs summarize [edge|postgres|auth|file] [since 30m], the "Summarize logs" message shortcut
// on a shared log file, and the "Request <playbook>" buttons of a summary. The model only
// advises: a button starts the normal request, which still needs another person's approval.
import type { BlockAction, ButtonAction, MessageShortcut } from '@slack/bolt';
import { ForbiddenError, InputError } from '../src/core/errors.js';
import { PLAYBOOK_REQUEST_ACTION, renderSummaryBlocks } from '../src/logs/render.js';
import type { LogsService, SlackFileRef } from '../src/logs/service.js';
import { parseLogWindow } from '../src/logs/window.js';
import { quoteInput } from '../src/slack/blocks.js';
import type { CommandSpec } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { firstDelivery, REPLAY_MESSAGE } from '../src/slack/replay.js';
import { createRequest, missingRequired, paramsModal, type PlaybookHandlerServices } from './playbook.js';

export const SUMMARIZE_SHORTCUT = 'summarize_logs';
const SOURCES = ['edge', 'postgres', 'auth', 'file'] as const;
type Source = (typeof SOURCES)[number];

const USAGE = 'Usage: `/logs summarize [edge|postgres|auth|file] [since 30m]` — e.g. `/logs summarize edge since 2h`, or `/logs summarize file` for the latest file shared in this channel.';

/** Parses the words after /logs; throws InputError with the usage. */
export function parseLogsArgs(text: string): { source: Source; sinceMs: number } {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words[0] !== 'summarize') throw new InputError(USAGE);
  let source: Source = 'edge';
  let window: string | undefined;
  for (const w of words.slice(1)) {
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

export function logsCommand(s: { logs: LogsService; playbooks: PlaybookHandlerServices }): CommandSpec {
  return {
    command: '/logs',
    description: 'Redacted AI summary of incident logs (Supabase edge, Postgres, auth, or a shared file)',
    usageHint: 'summarize [edge|postgres|auth|file] [since 30m]',
    usage: [
      { example: '/logs summarize edge since 1h', description: 'summary of the edge function logs (Gemini, or the offline summary)', access: 'oncall' },
      { example: '/logs summarize file', description: 'summary of the latest log file shared in this channel', access: 'oncall' },
    ],
    register(app, deps) {
      app.command('/logs', async ({ command, ack, respond, client, context }) => {
        const { log } = interaction(context, deps.logger);
        let args;
        try {
          args = parseLogsArgs(command.text);
        } catch (err) {
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        await ack({ response_type: 'ephemeral', text: `Reading and summarizing ${args.source === 'file' ? 'the latest file here' : `${args.source} logs`}…` });
        describeForAudit(context, { detail: { source: args.source } });
        const d = await deps.authz.check('oncall', { userId: command.user_id, channelId: command.channel_id });
        if (!d.allowed) throw new ForbiddenError(d.message);
        // A summary is posted in the channel (and may cost a model call): once per delivery.
        if (!(await firstDelivery(deps, command.trigger_id, '/logs summarize', command.user_id))) {
          log.info({ source: args.source }, 'replayed log summary ignored');
          await respond({ response_type: 'ephemeral', replace_original: false, text: REPLAY_MESSAGE });
          return;
        }
        let summary;
        if (args.source === 'file') {
          const list = await client.files.list({ channel: command.channel_id, count: 1 });
          const file = fileRef(list.files?.[0]);
          if (!file) throw new InputError('There is no file shared in this channel that I can see. Upload the log file here (or use the "Summarize logs" shortcut on its message).');
          summary = await s.logs.summarizeFile(file);
        } else {
          summary = await s.logs.summarizeSupabase(args.source, args.sinceMs);
        }
        const msg = renderSummaryBlocks(summary);
        await respond({ response_type: 'in_channel', replace_original: false, text: msg.text, blocks: msg.blocks });
      });

      app.shortcut<MessageShortcut>(SUMMARIZE_SHORTCUT, async ({ ack, shortcut, client }) => {
        await ack();
        const channel = shortcut.channel.id;
        const d = await deps.authz.check('oncall', { userId: shortcut.user.id, channelId: channel });
        if (!d.allowed) throw new ForbiddenError(d.message);
        if (!(await firstDelivery(deps, shortcut.trigger_id, SUMMARIZE_SHORTCUT, shortcut.user.id))) return;
        const file = fileRef((shortcut.message as { files?: FileLike[] }).files?.[0]);
        if (!file) throw new InputError('That message has no file. Use the shortcut on a message with a log file attached.');
        const summary = await s.logs.summarizeFile(file);
        const msg = renderSummaryBlocks(summary);
        await client.chat.postMessage({ channel, thread_ts: shortcut.message_ts, text: msg.text, blocks: msg.blocks });
      });

      app.action<BlockAction<ButtonAction>>(PLAYBOOK_REQUEST_ACTION, async ({ ack, body, action, client, context }) => {
        await ack();
        const channel = body.channel?.id ?? '';
        describeForAudit(context, { action: PLAYBOOK_REQUEST_ACTION, target: (action.value ?? '').slice(0, 64) });
        const d = await deps.authz.check('oncall', { userId: body.user.id, channelId: channel });
        if (!d.allowed) throw new ForbiddenError(d.message);
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
