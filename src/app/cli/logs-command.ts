// `opsbot logs …` with only what it needs: summarizing a file works without the database, and
// starts without loading the rest of the bot.
import pino from 'pino';
import { systemClock } from '../../core/clock.js';
import { loadLogsSettings } from '../config.js';
import { createLogger } from '../../core/log.js';
import { buildAnalyzeOptions, buildLogSummarizer } from '../logs.js';
import { runLogsCli } from '../../logs/cli.js';
import { createRedactor } from '../../core/redact.js';
import { describePlaybookRegistry } from '../registry.js';
import type { CliIo } from './io.js';

export async function logsCmd(args: string[], io: CliIo): Promise<number> {
  const settings = loadLogsSettings(io.env);
  const redactor = createRedactor(settings.secrets);
  const logger = createLogger({ level: ['debug', 'trace'].includes(settings.logLevel) ? settings.logLevel : 'warn', redactor, destination: pino.destination({ dest: 2, sync: true }) });
  const lc = settings.logs;
  const summarizer = buildLogSummarizer(settings.logs, {
    playbooks: describePlaybookRegistry(),
    clock: systemClock,
    logger,
    fetch: io.fetch,
  });
  return runLogsCli(args, {
    stdin: process.stdin,
    stdout: (t) => io.stdout(redactor.redact(t)),
    stderr: io.stderr,
    summarizer,
    analyze: buildAnalyzeOptions(lc, settings.secrets),
  });
}
