// /slowqueries [mean|total|calls|io] [limit]: the top statements from pg_stat_statements for
// every role. On-call only, and answered only to the caller: normalized query text can still
// carry customer data.
import { parseSlowQueriesArgs, SLOWQUERIES_USAGE } from '../src/diagnostics/args.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import type { CommandSpec } from '../src/slack/command.js';
import { registerDiagnosticListener } from './diagnostic-listener.js';

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
      registerDiagnosticListener(app, deps, diag, {
        command: '/slowqueries',
        parse: (text) => parseSlowQueriesArgs(text),
        detail: (request) => ({ sort: request.command === 'slowqueries' ? request.sort : undefined }),
        usage: SLOWQUERIES_USAGE,
      });
    },
  };
}
