// /db connections|locks|long [seconds]|tables|indexes|cache|wraparound: the runbook's
// troubleshooting SQL as read-only diagnostics. On-call only, and answered only to the caller:
// sessions show client addresses and statements that can carry customer data.
import { ForbiddenError } from '../src/errors.js';
import { DB_USAGE, parseDbArgs } from '../src/diagnostics/args.js';
import { diagnosticBlocks } from '../src/diagnostics/render-blocks.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import { commandLine } from '../src/diagnostics/types.js';
import { auditInBackground } from '../src/slack/audit.js';
import type { CommandSpec } from '../src/slack/command.js';
import { interaction } from '../src/slack/context.js';

export function dbCommand(diag: DiagnosticsService): CommandSpec {
  return {
    command: '/db',
    description: 'Database diagnostics: connections, locks, long queries, tables, indexes, cache, wraparound',
    usageHint: 'connections|locks|long [seconds]|tables|indexes|cache|wraparound',
    usage: [
      { example: '/db connections', description: 'connections vs the 40/50 limits, by user/app/client; idle and idle-in-transaction sessions (on-call; only you see it)', access: 'oncall' },
      { example: '/db locks', description: 'blocking chains, root blocker first, with lock modes and wait times (on-call)', access: 'oncall' },
      { example: '/db long 300', description: 'statements running over 300 s (default 60); autovacuum, replication, backups and the bot listed apart (on-call)', access: 'oncall' },
      { example: '/db tables', description: 'largest tables; dead tuples and tables due for vacuum/analyze (on-call)', access: 'oncall' },
      { example: '/db indexes', description: 'unused, duplicate and invalid indexes, unindexed foreign keys, sequential-scan hot spots (on-call)', access: 'oncall' },
      { example: '/db cache', description: 'table and index cache hit ratios with the statistics’ age (on-call)', access: 'oncall' },
      { example: '/db wraparound', description: 'transaction-ID age per database; sequences above 90 % of their range (on-call)', access: 'oncall' },
    ],
    register(app, deps) {
      app.command('/db', async ({ command, ack, respond, context }) => {
        const { log } = interaction(context, deps.logger);
        let request;
        try {
          request = parseDbArgs(command.text, { longRunningSeconds: diag.thresholds().longRunningSeconds });
        } catch (err) {
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        await ack({ response_type: 'ephemeral', text: `Running \`${commandLine(request)}\`…` });
        const who = { userId: command.user_id, channelId: command.channel_id };
        const decision = await deps.authz.check('oncall', who);
        if (!decision.allowed) {
          auditInBackground(deps, log, { actor: who.userId, action: 'command', target: '/db', channel: who.channelId, outcome: 'refused' });
          throw new ForbiddenError(decision.message);
        }
        const report = await diag.run(request);
        const msg = diagnosticBlocks(report, deps.timezone);
        await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
        log.info({ status: report.status, durationMs: report.durationMs }, 'db diagnostic reported');
        auditInBackground(deps, log, {
          actor: who.userId,
          action: 'command',
          target: '/db',
          channel: who.channelId,
          outcome: 'ok',
          detail: { topic: request.command === 'db' ? request.topic : undefined, status: report.status, usage: DB_USAGE },
        });
      });
    },
  };
}
