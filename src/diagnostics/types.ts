// Diagnostic report data. Services return it; the Slack, terminal and JSON renderers only
// format it. A report is a list of sections, each with a status, a one-line summary, the rows
// worth a look (findings) and the runbook's next step.
import type { Status } from '../health/types.js';
import type { PlaybookId } from './settings.js';

export type { Status } from '../health/types.js';

export const SLOW_SORTS = ['mean', 'total', 'calls', 'io'] as const;
export type SlowSort = (typeof SLOW_SORTS)[number];

export const DB_TOPICS = ['connections', 'locks', 'long', 'tables', 'indexes', 'cache', 'wraparound'] as const;
export type DbTopic = (typeof DB_TOPICS)[number];

/** A parsed /slowqueries or /db request; the same for Slack and the terminal. */
export type DiagnosticRequest =
  | { command: 'slowqueries'; sort: SlowSort; limit: number }
  | { command: 'db'; topic: 'long'; seconds: number }
  | { command: 'db'; topic: Exclude<DbTopic, 'long'> };

/** Why a section could not be measured. */
export type FailureReason = 'timeout' | 'permission' | 'missing' | 'error' | 'unsupported';

/** One row worth a look: a statement, a session, a table, an index. */
export interface Finding {
  status: Status;
  /** Short name of the thing, e.g. "public.leads" or "pid 4242". */
  title: string;
  /** Facts about it, formatted for people. */
  facts: string[];
  /** SQL text, already shortened and redacted. */
  query?: string;
  /** Nesting depth, for lock trees (0 = root). */
  depth?: number;
  /** Raw values for --json consumers. */
  data: Record<string, unknown>;
}

export interface Section {
  key: string;
  title: string;
  status: Status;
  /** One line: what was measured. */
  summary: string;
  /** What the status is judged against, formatted for people. */
  threshold?: string;
  findings: Finding[];
  /** Findings that exist but were not listed (beyond the limit). */
  omitted: number;
  /** Set when the section could not be measured; summary then says so in words. */
  failure?: { reason: FailureReason; message: string };
  /** The runbook's next step. */
  nextStep: string;
  /** The playbook that will take the next step, once the approval engine exists. */
  playbook?: PlaybookId;
}

export interface DiagnosticReport {
  /** What was asked; a declared topic (e.g. /db migrations) names only its topic. */
  request: DiagnosticRequest | { command: 'db'; topic: string };
  /** e.g. "/db locks" */
  command: string;
  title: string;
  status: Status;
  /** ISO time the diagnostic started. */
  startedAt: string;
  durationMs: number;
  database: string;
  /** Context lines: statistics age, scope, extension location. */
  notes: string[];
  /** When the counters behind this report were last reset (ISO), or null when never. */
  statsResetAt: string | null;
  sections: Section[];
}

/** The command line a request corresponds to, as typed in Slack. */
export function commandLine(r: DiagnosticRequest): string {
  if (r.command === 'slowqueries') return `/slowqueries ${r.sort} ${r.limit}`;
  if (r.topic === 'long') return `/db long ${r.seconds}`;
  return `/db ${r.topic}`;
}
