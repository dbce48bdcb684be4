// /slowqueries [mean|total|calls|io] [limit]: the top statements from pg_stat_statements for
// every role. On-call only, and answered only to the caller: normalized query text can still
// carry customer data.
import { ForbiddenError } from '../src/errors.js';
import { parseSlowQueriesArgs, SLOWQUERIES_USAGE } from '../src/diagnostics/args.js';
import { diagnosticBlocks } from '../src/diagnostics/render-blocks.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import { commandLine } from '../src/diagnostics/types.js';
import { auditInBackground } from '../src/slack/audit.js';
import type { CommandSpec } from '../src/slack/command.js';
import { interaction } from '../src/slack/context.js';

export function slowqueriesCommand(diag: DiagnosticsService): CommandSpec {
  return {
    command: '/slowqueries',
    description: 'Top statements from pg_stat_statements (all roles), flagged against the runbook’s 100 ms target',
    usageHint: '[mean|total|calls|io] [limit]',
    usage: [
      { example: '/slowqueries', description: 'statements using the most total time, all roles, with the statistics’ age (on-call; only you see it)', access: 'oncall' },
      { example: '/slowqueries mean 20', description: 'the 20 slowest statements per call; also `calls` and `io` (on-call)', access: 'oncall' },
    ],
    register(app, deps) {
      app.command('/slowqueries', async ({ command, ack, respond, context }) => {
        const { log } = interaction(context, deps.logger);
        let request;
        try {
          request = parseSlowQueriesArgs(command.text);
        } catch (err) {
          await ack({ response_type: 'ephemeral', text: (err as Error).message });
          return;
        }
        await ack({ response_type: 'ephemeral', text: `Running \`${commandLine(request)}\`…` });
        const who = { userId: command.user_id, channelId: command.channel_id };
        const decision = await deps.authz.check('oncall', who);
        if (!decision.allowed) {
          auditInBackground(deps, log, { actor: who.userId, action: 'command', target: '/slowqueries', channel: who.channelId, outcome: 'refused' });
          throw new ForbiddenError(decision.message);
        }
        const report = await diag.run(request);
        const msg = diagnosticBlocks(report, deps.timezone);
        await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
        log.info({ status: report.status, durationMs: report.durationMs }, 'slowqueries reported');
        auditInBackground(deps, log, {
          actor: who.userId,
          action: 'command',
          target: '/slowqueries',
          channel: who.channelId,
          outcome: 'ok',
          detail: { sort: request.command === 'slowqueries' ? request.sort : undefined, status: report.status, usage: SLOWQUERIES_USAGE },
        });
      });
    },
  };
}
