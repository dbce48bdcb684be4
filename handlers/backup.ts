// /backup now | list [n] | verify <id|latest> | restore <id|latest> [table …] | prune.
// Listing is open to the channel; everything else needs the on-call role. Long jobs post a
// message in the channel, report progress in its thread and end by updating it. A restore is
// the restore-backup playbook: the request message carries the preview and the Approve / Deny
// buttons (handled by /playbook's listeners), and it runs only after two other approvers.
import type { Access } from '../src/slack/authz.js';
import { BACKUP_USAGE, parseBackupArgs, type BackupArgs } from '../src/backup/args.js';
import { backupOutcome, listMessage, progressText, pruneOutcome, verifyOutcome } from '../src/backup/render.js';
import { BusyError, type BackupService, type ProgressListener } from '../src/backup/service.js';
import { ForbiddenError, InputError, OpsError } from '../src/core/errors.js';
import type { Logger } from '../src/core/log.js';
import type { PlaybookEngine } from '../src/playbooks/engine.js';
import { parseParams } from '../src/playbooks/params.js';
import { requestMessage } from '../src/playbooks/render.js';
import { slackChatPoster, type ChatPoster } from '../src/slack/chat-poster.js';
import { auditInBackground } from '../src/slack/audit.js';
import { sections } from '../src/slack/blocks.js';
import type { CommandSpec } from '../src/slack/command.js';
import { interaction } from '../src/slack/context.js';
import { firstDelivery, REPLAY_MESSAGE } from '../src/slack/replay.js';

const ACCESS: Record<BackupArgs['sub'], Access> = { help: 'read', list: 'read', now: 'oncall', verify: 'oncall', restore: 'oncall', prune: 'oncall' };

const ACK: Partial<Record<BackupArgs['sub'], string>> = {
  now: 'Starting a backup…',
  verify: 'Starting the verification…',
  restore: 'Preparing a preview of the restore…',
  prune: 'Applying retention…',
};

/** A channel message that later gets the result; progress goes to its thread. */
interface StatusMessage {
  progress: ProgressListener;
  finish(text: string): Promise<void>;
}

async function statusMessage(chat: ChatPoster, channel: string, text: string, fallback: (text: string) => Promise<unknown>, log: Logger): Promise<StatusMessage> {
  let ts: string | undefined;
  try {
    ts = (await chat.postMessage({ channel, text, purpose: 'the backup status message' })).ts;
  } catch (err) {
    // Not in the channel (or Slack is slow): the job still runs; the result comes back through response_url.
    log.warn({ err }, 'could not post the backup status message');
  }
  return {
    progress: async (p) => {
      if (ts) await chat.postMessage({ channel, threadTs: ts, text: progressText(p) });
    },
    async finish(result) {
      if (ts) {
        try {
          await chat.update({ channel, ts, text: result, blocks: sections(result) });
          return;
        } catch (err) {
          log.warn({ err }, 'could not update the backup status message');
        }
      }
      await fallback(result);
    },
  };
}

/** /backup, closing over the backup service and (for restores) the playbook engine. */
export function backupCommand(svc: BackupService, engine?: PlaybookEngine): CommandSpec {
  return {
    command: '/backup',
    description: 'Backups proven restorable: take one, list them, verify one in a scratch database, restore with two approvers',
    usageHint: 'now | list [n] | verify <id|latest> | restore <id|latest> [table …] | prune',
    usage: [
      { example: '/backup list', description: 'backups, newest first: age, size, duration, verified or not', access: 'read' },
      { example: '/backup now', description: 'take a backup now (pg_dump, checked with pg_restore --list); progress in the thread', access: 'oncall' },
      { example: '/backup verify latest', description: 'restore into a scratch database and compare every table with the manifest', access: 'oncall' },
      { example: '/backup restore latest public.leads', description: 'request a restore (safety backup first; two approvers)', access: 'oncall' },
      { example: '/backup prune', description: 'apply retention now (7 daily, 4 weekly, 12 monthly by default)', access: 'oncall' },
    ],
    register(app, deps) {
      app.command('/backup', async ({ command, ack, respond, client, context }) => {
        const { log } = interaction(context, deps.logger);
        let args: BackupArgs;
        try {
          args = parseBackupArgs(command.text);
        } catch (err) {
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        if (args.sub === 'help') {
          await ack({ response_type: 'ephemeral', text: BACKUP_USAGE });
          return;
        }
        const ackText = ACK[args.sub];
        await ack(ackText ? { response_type: 'ephemeral', text: ackText } : undefined);
        const who = { userId: command.user_id, channelId: command.channel_id };
        const audit = (outcome: string, detail: Record<string, unknown> = {}) =>
          auditInBackground(deps, log, { actor: who.userId, action: 'command', target: `/backup ${args.sub}`, channel: who.channelId, outcome, detail });
        const decision = await deps.authz.check(ACCESS[args.sub], who);
        // The refusal is audited once, by the global error handler.
        if (!decision.allowed) throw new ForbiddenError(decision.message);
        // Everything but listing starts work or creates a request: once per Slack delivery.
        if (args.sub !== 'list' && !(await firstDelivery(deps, command.trigger_id, `/backup ${args.sub}`, who.userId))) {
          log.info({ sub: args.sub }, 'replayed backup command ignored');
          await respond({ response_type: 'ephemeral', replace_original: false, text: REPLAY_MESSAGE });
          return;
        }
        const inChannel = (text: string) => respond({ response_type: 'in_channel', replace_original: false, text });
        const chat = slackChatPoster(client);
        const now = deps.clock.now();
        switch (args.sub) {
          case 'list': {
            const msg = listMessage(await svc.list(args.limit), now, svc.store.location);
            await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
            audit('ok');
            return;
          }
          case 'now': {
            const status = await statusMessage(chat, who.channelId, `:floppy_disk: Backup requested by <@${who.userId}>: pg_dump is running; progress in this thread.`, inChannel, log);
            try {
              const entry = await svc.backupNow({ actor: who.userId, onProgress: status.progress });
              await status.finish(backupOutcome(entry, svc.store.location, deps.timezone, 'slack'));
              audit(entry.state === 'succeeded' ? 'ok' : 'failed', { backupId: entry.id, error: entry.error });
            } catch (err) {
              if (err instanceof BusyError) await status.finish(`:no_entry: Not started. ${err.userMessage}`);
              throw err;
            }
            return;
          }
          case 'verify': {
            const status = await statusMessage(chat, who.channelId, `:mag: Verification of backup ${args.id} requested by <@${who.userId}>: restoring into a scratch database; progress in this thread.`, inChannel, log);
            try {
              const r = await svc.verify(args.id, { actor: who.userId, onProgress: status.progress });
              await status.finish(verifyOutcome(r, 'slack'));
              audit(r.verdict, { backupId: r.backupId });
            } catch (err) {
              await status.finish(`:no_entry: Not verified. ${err instanceof OpsError ? err.userMessage : 'An unexpected error stopped it (see the bot logs).'}`);
              throw err;
            }
            return;
          }
          case 'prune': {
            const r = await svc.prune(who.userId);
            await respond({ response_type: 'ephemeral', replace_original: false, text: pruneOutcome(r, 'slack') });
            audit('ok', { pruned: r.pruned.length });
            return;
          }
          case 'restore': {
            const playbook = engine?.find('restore-backup');
            if (!engine || !playbook) throw new InputError('Restores are not available in this bot: the restore-backup playbook is not registered.');
            const raw: Record<string, string> = { backup: args.id, ...(args.tables.length ? { tables: args.tables.join(',') } : {}), ...(args.force ? { force: 'yes' } : {}) };
            parseParams(playbook, raw);
            const posted = await chat.postMessage({
              channel: who.channelId,
              text: 'Preparing a preview of restore-backup…',
              purpose: 'the restore request message',
              ifFails: 'nothing was requested',
            });
            // Approvals count only on this message, in the channel Slack says it is in.
            const where = posted.channel || who.channelId;
            const ts = posted.ts;
            try {
              const { request } = await engine.request({ playbookId: playbook.id, rawParams: raw, requestedBy: who.userId, channel: where });
              await engine.attachMessage(request.id, where, ts);
              const msg = requestMessage((await engine.get(request.id)) ?? request, playbook, deps.timezone);
              await chat.update({ channel: where, ts, text: msg.text, blocks: msg.blocks });
              audit('ok', { requestId: request.id, backup: args.id, tables: args.tables });
            } catch (err) {
              const why = err instanceof OpsError ? err.userMessage : 'an unexpected error (see the bot logs)';
              await chat.update({ channel: where, ts, text: `Restore request was not created: ${why}` }).catch(() => undefined);
              throw err;
            }
            return;
          }
        }
      });
    },
  };
}
