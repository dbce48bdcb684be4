// `opsbot slowqueries …` and `opsbot db …`: the same diagnostics as Slack, for when Slack is
// down, for scripts and for monitoring. Exit codes follow the monitoring-plugin convention:
// 0 ok, 1 warning, 2 critical, 3 unknown or bad usage.
import type { Clock } from '../core/clock.js';
import type { TargetDb } from '../db/target.js';
import { isOpsError } from '../core/errors.js';
import { exitCode } from '../health/types.js';
import { createRedactor } from '../core/redact.js';
import { parseDbArgs, parseSlowQueriesArgs } from './args.js';
import { diagnosticText } from './render-text.js';
import { DEFAULT_DIAGNOSTICS_THRESHOLDS } from './settings.js';
import { createDiagnosticsService, type DiagnosticsServiceDeps } from './service.js';
import type { DiagnosticRequest } from './types.js';

export interface DiagnosticsCliIo {
  db: TargetDb;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  clock: Clock;
  timezone: string;
  /** Thresholds and redaction as configured (optional; defaults otherwise). */
  options?: Pick<DiagnosticsServiceDeps, 'thresholds' | 'redact'>;
}

export const DIAGNOSTICS_CLI_HELP = `  opsbot slowqueries [mean|total|calls|io] [limit] [--json]
                                                    top statements from pg_stat_statements, all roles
  opsbot db <connections|locks|long [seconds]|tables|indexes|cache|wraparound> [--json]
                                                    database diagnostics (read-only)
  Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown or bad usage.`;

function parse(cmd: 'slowqueries' | 'db', args: string[], longRunningSeconds: number): DiagnosticRequest {
  const text = args.join(' ');
  return cmd === 'slowqueries' ? parseSlowQueriesArgs(text) : parseDbArgs(text, { longRunningSeconds });
}

/** Runs `opsbot slowqueries|db`; returns the process exit code. */
export async function runDiagnosticsCli(
  cmd: 'slowqueries' | 'db',
  args: string[],
  io: DiagnosticsCliIo,
): Promise<number> {
  const json = args.includes('--json');
  const rest = args.filter((a) => a !== '--json');
  let request: DiagnosticRequest;
  try {
    request = parse(cmd, rest, io.options?.thresholds?.longRunningSeconds ?? DEFAULT_DIAGNOSTICS_THRESHOLDS.longRunningSeconds);
  } catch (err) {
    // Usage text is written for Slack; say it the terminal's way.
    const message = isOpsError(err) ? err.userMessage : String(err);
    io.stderr(`${message.replace(/`\/(slowqueries|db)/g, '`opsbot $1')}\n\nUsage:\n${DIAGNOSTICS_CLI_HELP}\n`);
    return 3;
  }
  const redactor = createRedactor([]);
  const service = createDiagnosticsService({
    db: io.db,
    clock: io.clock,
    timezone: io.timezone,
    ...(io.options?.thresholds ? { thresholds: io.options.thresholds } : {}),
    redact: io.options?.redact ?? ((text: string) => redactor.redact(text)),
  });
  try {
    const report = await service.run(request);
    io.stdout(json ? `${JSON.stringify(redactor.scrub(report), null, 2)}\n` : `${diagnosticText(report, io.timezone)}\n`);
    return exitCode(report.status);
  } catch (err) {
    if (!isOpsError(err)) throw err;
    io.stderr(`opsbot ${cmd}: ${err.userMessage}\n`);
    return 3;
  }
}
