// /health [db|frontend|edge|auth]: the runbook's health checks, visible in the channel.
import { ForbiddenError } from '../src/core/errors.js';
import { HEALTH_USAGE, parseHealthArgs } from '../src/health/args.js';
import { healthBlocks } from '../src/render/health-blocks.js';
import { auditInBackground } from '../src/slack/audit.js';
import type { CommandSpec } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';

export const healthCommand: CommandSpec = {
  command: '/health',
  description: 'Health of the front end, database, AI edge function and auth, with runbook thresholds',
  usageHint: '[db|frontend|edge|auth]',
  usage: [
    { example: '/health', description: 'check everything (posted in the channel)', access: 'read' },
    { example: '/health db', description: 'only the database: connections, size, cache, wraparound, largest tables', access: 'read' },
  ],
  register(app, deps) {
    app.command('/health', async ({ command, ack, respond, context }) => {
      const { log } = interaction(context, deps.logger);
      // Parsing is pure CPU; its error goes back in the ack itself, before any I/O.
      let component;
      try {
        component = parseHealthArgs(command.text);
      } catch (err) {
        await ack({ response_type: 'ephemeral', text: (err as Error).message });
        return;
      }
      await ack({ response_type: 'ephemeral', text: `Running ${component ?? 'all'} health checks…` });
      const who = { userId: command.user_id, channelId: command.channel_id };
      describeForAudit(context, { target: '/health', detail: { component: component ?? 'all' } });
      const decision = await deps.authz.check('read', who);
      // The refusal is audited once, by the global error handler.
      if (!decision.allowed) throw new ForbiddenError(decision.message);
      const report = await deps.health.run(component);
      const msg = healthBlocks(report, deps.timezone);
      await respond({ response_type: 'in_channel', replace_original: false, text: msg.text, blocks: msg.blocks });
      log.info({ status: report.status, durationMs: report.durationMs }, 'health reported');
      auditInBackground(deps, log, {
        actor: who.userId,
        action: 'command',
        target: '/health',
        channel: who.channelId,
        outcome: 'ok',
        detail: { component: component ?? 'all', status: report.status, usage: HEALTH_USAGE },
      });
    });
  },
};
