// /slowqueries [mean|total|calls|io] [limit]: the top statements from pg_stat_statements for
// every role, also as `opsbot slowqueries`. On-call only, and answered only to the caller:
// normalized query text can still carry customer data.
import { parseSlowQueriesArgs } from '../src/diagnostics/args.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import { commandLine, type DiagnosticRequest } from '../src/diagnostics/types.js';
import { textArgs, type CommandSpec } from '../src/slack/command.js';
import { diagnostic } from './db.js';

export function slowqueriesCommand(s: { diagnostics: DiagnosticsService }): CommandSpec {
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
      }),
    ],
  };
}
