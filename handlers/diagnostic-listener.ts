// The listener shared by /db and /slowqueries: parse (errors in the ack), ack, on-call check,
// one diagnostics run, an ephemeral answer (the output can carry customer data), audit.
import type { App } from '@slack/bolt';
import { ForbiddenError } from '../src/core/errors.js';
import { diagnosticBlocks } from '../src/diagnostics/render-blocks.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import { commandLine, type DiagnosticRequest } from '../src/diagnostics/types.js';
import { auditInBackground } from '../src/slack/audit.js';
import type { HandlerDeps } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';

export interface DiagnosticListener {
  command: '/db' | '/slowqueries';
  /** Parses the text after the command; throws InputError with the usage. */
  parse(text: string): DiagnosticRequest;
  /** Audit detail of a request (topic or sort order). */
  detail(request: DiagnosticRequest): Record<string, unknown>;
  usage: string;
}

export function registerDiagnosticListener(app: App, deps: HandlerDeps, diag: DiagnosticsService, l: DiagnosticListener): void {
  app.command(l.command, async ({ command, ack, respond, context }) => {
    const { log } = interaction(context, deps.logger);
    let request;
    try {
      request = l.parse(command.text);
    } catch (err) {
      await ack({ response_type: 'ephemeral', text: (err as Error).message });
      return;
    }
    await ack({ response_type: 'ephemeral', text: `Running \`${commandLine(request)}\`…` });
    const who = { userId: command.user_id, channelId: command.channel_id };
    describeForAudit(context, { target: l.command, detail: l.detail(request) });
    const decision = await deps.authz.check('oncall', who);
    // The refusal is audited once, by the global error handler.
    if (!decision.allowed) throw new ForbiddenError(decision.message);
    const report = await diag.run(request);
    const msg = diagnosticBlocks(report, deps.timezone);
    await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks });
    log.info({ command: l.command, status: report.status, durationMs: report.durationMs }, 'diagnostic reported');
    auditInBackground(deps, log, {
      actor: who.userId,
      action: 'command',
      target: l.command,
      channel: who.channelId,
      outcome: 'ok',
      detail: { ...l.detail(request), status: report.status, usage: l.usage },
    });
  });
}
