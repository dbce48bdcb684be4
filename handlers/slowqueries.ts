// /slowqueries [mean|total|calls|io] [limit]: the top statements from pg_stat_statements for
// every role, also as `opsbot slowqueries`. On-call only, and answered only to the caller:
// normalized query text can still carry customer data.
import { parseSlowQueriesArgs } from '../src/diagnostics/args.js';
import { commandLine, type DiagnosticRequest } from '../src/diagnostics/types.js';
import { textArgs, type CommandSpec } from '../src/slack/command.js';
import { diagnostic, type DbServices } from './db.js';
import { slowQueriesReportChart } from './diagnostic-files.js';

export function slowqueriesCommand(s: DbServices): CommandSpec {
  return {
    command: '/slowqueries',
    description: 'Top statements from pg_stat_statements (all roles), flagged against the runbook’s 100 ms target',
    auditTarget: 'command',
    subcommands: [
      diagnostic<DiagnosticRequest>({
        name: '',
        argsHint: '[mean|total|calls|io] [limit]',
        example: '/slowqueries mean 20',
        description: 'statements using the most total time (default), or the slowest per call (`mean`), most `calls`, most `io`; all roles, with the statistics’ age (on-call; only you see it)',
        args: textArgs(parseSlowQueriesArgs),
        ack: (request: DiagnosticRequest) => `Running \`${commandLine(request)}\`…`,
        call: (request) => s.diagnostics.run(request),
        detail: (request) => ({ sort: request.command === 'slowqueries' ? request.sort : undefined }),
        // Up to 500 statements: beyond the first 10, as files (and the chart) in the caller's DMs.
        share: () => (s.attachments ? { attachments: s.attachments, chart: (r) => slowQueriesReportChart(s.diagnostics.thresholds().slowQueryMeanMs)(r) } : undefined),
      }),
    ],
  };
}
