// The log summarizer and analyzer as configured (GEMINI_* and LOGS_* settings), for the bot and
// the CLI alike.
import type { Clock } from '../core/clock.js';
import type { Config } from './config.js';
import type { Logger } from '../core/log.js';
import type { AnalyzeOptions } from '../logs/analyze.js';
import { createLogSummarizer, type LogSummarizer } from '../logs/summarizer.js';

export function buildLogSummarizer(
  lc: Pick<Config['logs'], 'geminiApiKey' | 'geminiModel' | 'geminiBaseUrl' | 'geminiTimeoutMs' | 'geminiMaxAttempts' | 'tokenBudget'>,
  o: { playbooks: readonly { id: string; title?: string }[]; clock: Clock; logger: Logger; fetch: typeof fetch },
): LogSummarizer {
  return createLogSummarizer({
    ...(lc.geminiApiKey ? { apiKey: lc.geminiApiKey } : {}),
    model: lc.geminiModel,
    ...(lc.geminiBaseUrl ? { baseUrl: lc.geminiBaseUrl } : {}),
    timeoutMs: lc.geminiTimeoutMs,
    maxAttempts: lc.geminiMaxAttempts,
    tokenBudget: lc.tokenBudget,
    // The model may only suggest playbooks we have; a person still requests and approves them.
    knownPlaybookIds: new Set(o.playbooks.map((p) => p.id)),
    playbookTitles: new Map(o.playbooks.filter((p) => p.title).map((p) => [p.id, p.title ?? p.id])),
    clock: o.clock,
    logger: o.logger,
    fetch: o.fetch,
  });
}

/** Redaction and worker-thread options of the analyzer, from LOGS_* settings and the secrets to remove. */
export function buildAnalyzeOptions(lc: Pick<Config['logs'], 'redactIps' | 'workerThreads'>, secrets: readonly string[]): AnalyzeOptions {
  return { redaction: { ips: lc.redactIps, knownSecrets: secrets }, parallel: lc.workerThreads === undefined ? {} : { workers: lc.workerThreads } };
}
