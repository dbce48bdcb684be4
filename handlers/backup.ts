// /backup now | list [n] | verify <id|latest> | restore <id|latest> [table …] | prune.
// Listing is open to the channel; everything else needs the on-call role. Long jobs post a
// message in the channel, report progress in its thread and end by updating it. A restore is
// the restore-backup playbook: the request message carries the preview and the Approve / Deny
// buttons (handled by /playbook's listeners), and it runs only after two other approvers.
import { BACKUP_USAGE, parseBackupArgs, type BackupArgs } from '../src/backup/args.js';
import { backupOutcome, listMessage, listText, progressText, pruneOutcome, verifyOutcome } from '../src/backup/render.js';
import type { BackupService, ProgressListener } from '../src/backup/service.js';
import type { BackupEntry, RetentionResult, VerifyResult } from '../src/backup/types.js';
import { InputError, OpsError } from '../src/core/errors.js';
import type { Logger } from '../src/core/log.js';
import type { PlaybookEngine } from '../src/playbooks/engine.js';
import type { ChatPoster } from '../src/slack/chat-poster.js';
import { sections } from '../src/slack/blocks.js';
import { subcommand, textArgs, type CommandSpec, type SlackRun } from '../src/slack/command.js';
import type { Attachments } from '../src/slack/attachments.js';
import { shareBackupChart } from './backup-chart.js';

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

type Parsed<S extends BackupArgs['sub']> = Extract<BackupArgs, { sub: S }>;

/** The words after a subcommand, through the one backup parser. */
function argsOf<S extends BackupArgs['sub']>(sub: S) {
  return textArgs((rest) => parseBackupArgs(`${sub} ${rest}`) as Parsed<S>);
}

/** What the terminal prints and exits with; Slack gets the same text in the status message. */
const STATE = ['DATABASE_URL', 'STATE_DATABASE_URL'] as const;
/** What `backup now` dumps: BACKUP_DATABASE_URL, else DATABASE_ADMIN_URL, else DATABASE_URL. */
const DUMP_SOURCE = ['DATABASE_URL', 'DATABASE_ADMIN_URL', 'BACKUP_DATABASE_URL'] as const;

/** /backup, closing over the backup service and (for restores) the playbook engine. */
export function backupCommand(s: { backups: BackupService; playbooks?: { engine?: PlaybookEngine }; attachments?: Attachments }): CommandSpec {
  const svc = () => s.backups;
  return {
    command: '/backup',
    description: 'Backups proven restorable: take one, list them, verify one in a scratch database, restore with two approvers',
    emptyHelp: BACKUP_USAGE,
    subcommands: [
      subcommand<Parsed<'now'>, BackupEntry>({
        name: 'now',
        example: '/backup now',
        description: 'take a backup now (pg_dump, checked with pg_restore --list); progress in the thread',
        access: 'oncall',
        args: argsOf('now'),
        ack: 'Starting a backup…',
        once: true,
        visibility: 'thread',
        call: (_a, env) => svc().backupNow({ actor: env.actor }),
        async run(_a, ctx) {
          const status = await statusMessage(ctx.chat, ctx.who.channelId, `:floppy_disk: Backup requested by <@${ctx.who.userId}>: pg_dump is running; progress in this thread.`, inChannel(ctx), ctx.log);
          try {
            const entry = await svc().backupNow({ actor: ctx.who.userId, onProgress: status.progress, channel: ctx.who.channelId });
            await status.finish(backupOutcome(entry, svc().store.location, ctx.deps.timezone, 'slack'));
            return entry;
          } catch (err) {
            // Another job holds the lock (BusyError, by name: the service module stays unloaded until a backup runs).
            if (err instanceof OpsError && err.name === 'BusyError') await status.finish(`:no_entry: Not started. ${err.userMessage}`);
            throw err;
          }
        },
        terminal: { text: (e, env) => backupOutcome(e, svc().store.location, env.timezone, 'text'), exitCode: (e) => (e.state === 'succeeded' ? 0 : 1) },
        audit: { result: (e) => ({ outcome: e.state === 'succeeded' ? 'ok' : 'failed', detail: { backupId: e.id, error: e.error } }) },
        cli: { requires: () => [STATE, DUMP_SOURCE] },
      }),
      subcommand<Parsed<'list'>, BackupEntry[]>({
        name: 'list',
        argsHint: '[n]',
        example: '/backup list',
        description: 'backups, newest first: age, size, duration, verified or not',
        access: 'read',
        args: argsOf('list'),
        visibility: 'ephemeral',
        call: (a) => svc().list(a.limit),
        slack: (entries, env) => listMessage(entries, env.clock.now(), svc().store.location),
        // In Slack: the list, then its chart in the caller's DM (backup-chart.ts).
        async run(a, ctx) {
          const entries = await svc().list(a.limit);
          await ctx.respond(listMessage(entries, ctx.deps.clock.now(), svc().store.location));
          await shareBackupChart(s.attachments, entries, ctx);
          return entries;
        },
        terminal: { text: (entries, env) => listText(entries, env.clock.now(), svc().store.location) },
        audit: { result: () => ({}) },
        cli: { requires: () => [STATE] },
      }),
      subcommand<Parsed<'verify'>, VerifyResult>({
        name: 'verify',
        argsHint: '<id|latest>',
        example: '/backup verify latest',
        description: 'restore into a scratch database and compare every table with the manifest',
        access: 'oncall',
        args: argsOf('verify'),
        ack: 'Starting the verification…',
        once: true,
        visibility: 'thread',
        call: (a, env) => svc().verify(a.id, { actor: env.actor }),
        async run(a, ctx) {
          const status = await statusMessage(ctx.chat, ctx.who.channelId, `:mag: Verification of backup ${a.id} requested by <@${ctx.who.userId}>: restoring into a scratch database; progress in this thread.`, inChannel(ctx), ctx.log);
          try {
            const r = await svc().verify(a.id, { actor: ctx.who.userId, onProgress: status.progress, channel: ctx.who.channelId });
            await status.finish(verifyOutcome(r, 'slack'));
            return r;
          } catch (err) {
            await status.finish(`:no_entry: Not verified. ${err instanceof OpsError ? err.userMessage : 'An unexpected error stopped it (see the bot logs).'}`);
            throw err;
          }
        },
        terminal: { text: (r) => verifyOutcome(r, 'text'), exitCode: (r) => (r.verdict === 'passed' ? 0 : 1) },
        audit: { result: (r) => ({ outcome: r.verdict, detail: { backupId: r.backupId } }) },
        cli: { requires: () => [STATE] },
      }),
      subcommand<Parsed<'restore'>, { requestId: string; backup: string; tables: string[] }>({
        name: 'restore',
        argsHint: '<id|latest> [table …]',
        example: '/backup restore latest public.leads',
        description: 'request a restore (safety backup first; two approvers)',
        access: 'oncall',
        args: argsOf('restore'),
        ack: 'Preparing a preview of the restore…',
        once: true,
        visibility: 'in_channel',
        async run(a, ctx) {
          const engine = s.playbooks?.engine;
          const playbook = engine?.find('restore-backup');
          if (!engine || !playbook) throw new InputError('Restores are not available in this bot: the restore-backup playbook is not registered.');
          const raw: Record<string, string> = { backup: a.id, ...(a.tables.length ? { tables: a.tables.join(',') } : {}), ...(a.force ? { force: 'yes' } : {}) };
          const request = await engine.requestInMessage({ playbookId: playbook.id, rawParams: raw, requestedBy: ctx.who.userId, channel: ctx.who.channelId }, ctx.chat, { timeZone: ctx.deps.timezone, subject: 'Restore request' });
          return { requestId: request.id, backup: a.id, tables: a.tables };
        },
        audit: { result: (r) => ({ detail: r }) },
      }),
      subcommand<Parsed<'prune'>, RetentionResult>({
        name: 'prune',
        example: '/backup prune',
        description: 'apply retention now (7 daily, 4 weekly, 12 monthly by default)',
        access: 'oncall',
        args: argsOf('prune'),
        ack: 'Applying retention…',
        once: true,
        visibility: 'ephemeral',
        call: (_a, env) => svc().prune(env.actor),
        slack: (r) => ({ text: pruneOutcome(r, 'slack') }),
        terminal: { text: (r) => pruneOutcome(r, 'text'), exitCode: (r) => (r.failed.length ? 1 : 0) },
        audit: { result: (r) => ({ detail: { pruned: r.pruned.length } }) },
        cli: { requires: () => [STATE] },
      }),
    ],
  };
}

/** Results that have no status message of their own go back to the channel through response_url. */
function inChannel(ctx: SlackRun): (text: string) => Promise<void> {
  return (text) => ctx.respond({ text }, { inChannel: true });
}
