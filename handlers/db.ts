// /db connections|locks|long [seconds]|tables|indexes|cache|wraparound: the runbook's
// troubleshooting SQL as read-only diagnostics. On-call only, and answered only to the caller:
// sessions show client addresses and statements that can carry customer data.
import { DB_USAGE, parseDbArgs } from '../src/diagnostics/args.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import type { CommandSpec } from '../src/slack/command.js';
import { registerDiagnosticListener } from './diagnostic-listener.js';

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
      registerDiagnosticListener(app, deps, diag, {
        command: '/db',
        parse: (text) => parseDbArgs(text, { longRunningSeconds: diag.thresholds().longRunningSeconds }),
        detail: (request) => ({ topic: request.command === 'db' ? request.topic : undefined }),
        usage: DB_USAGE,
      });
    },
  };
}
