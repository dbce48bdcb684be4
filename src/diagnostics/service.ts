// The one implementation behind /slowqueries, /db and `opsbot slowqueries|db`: each request is
// one short READ ONLY transaction on the target database (application_name opsbot/<topic>),
// every query a savepointed section, so one that times out reports "timed out" and the others
// still report.
import type { Clock } from '../core/clock.js';
import type { TargetDb } from '../db/target.js';
import { worst } from '../health/types.js';
import { createRedactor } from '../core/redact.js';
import { cache } from './cache.js';
import { bool, epochMs, type DbFacts, type RunContext, str, type TopicResult, num } from './common.js';
import { connections } from './connections.js';
import { indexes } from './indexes.js';
import { locks } from './locks.js';
import { longRunning } from './long-running.js';
import { DEFAULT_DIAGNOSTICS_THRESHOLDS, type DiagnosticsThresholds, QUERY_TEXT_MAX } from './settings.js';
import { slowQueries } from './slow-queries.js';
import { displayQuery } from './sql-text.js';
import { tables } from './tables.js';
import { commandLine, type DiagnosticReport, type DiagnosticRequest } from './types.js';
import { wraparound } from './wraparound.js';

export interface DiagnosticsServiceDeps {
  db: TargetDb;
  clock: Clock;
  /** IANA time zone for times inside the report text (default UTC). */
  timezone?: string;
  /** Overrides of DEFAULT_DIAGNOSTICS_THRESHOLDS. */
  thresholds?: Partial<DiagnosticsThresholds>;
  /** Secret scrubbing for query text (the bot passes its config-aware redactor). */
  redact?: (text: string) => string;
  /** Characters of query text shown per statement. */
  queryTextMax?: number;
}

/** A read-only topic declared next to its command rather than built in: what it is called and what it reads. */
export interface TopicSpec {
  /** application_name suffix, and the key concurrent runs share, e.g. 'db-migrations'. */
  purpose: string;
  /** The command as typed in Slack, e.g. '/db migrations'. */
  command: string;
  /** Reads the topic inside the diagnostic's READ ONLY transaction. */
  read(ctx: RunContext): Promise<TopicResult>;
  /** What concurrent runs share a run by, when the topic takes arguments (default: purpose). */
  key?: string;
  /** Ends the transaction with ROLLBACK (the topic changes session state, e.g. its role). */
  rollback?: boolean;
}

/** Database diagnostics for /slowqueries and /db. */
export interface DiagnosticsService {
  /** Runs one diagnostic; concurrent identical requests share one run. */
  run(request: DiagnosticRequest): Promise<DiagnosticReport>;
  /** Runs a declared topic with the same transaction, limits, context and report shape. */
  runTopic(topic: TopicSpec): Promise<DiagnosticReport>;
  /** The thresholds in effect. */
  thresholds(): DiagnosticsThresholds;
}

function purpose(r: DiagnosticRequest): string {
  return r.command === 'slowqueries' ? 'slowqueries' : `db-${r.topic}`;
}

export function createDiagnosticsService(deps: DiagnosticsServiceDeps): DiagnosticsService {
  const thresholds: DiagnosticsThresholds = { ...DEFAULT_DIAGNOSTICS_THRESHOLDS, ...deps.thresholds };
  const timezone = deps.timezone ?? 'UTC';
  const fallback = createRedactor([]);
  const redact = deps.redact ?? ((text: string) => fallback.redact(text));
  const max = deps.queryTextMax ?? QUERY_TEXT_MAX;

  const topic = (ctx: RunContext, r: DiagnosticRequest): Promise<TopicResult> => {
    if (r.command === 'slowqueries') return slowQueries(ctx, r.sort, r.limit);
    switch (r.topic) {
      case 'connections':
        return connections(ctx);
      case 'locks':
        return locks(ctx);
      case 'long':
        return longRunning(ctx, r.seconds);
      case 'tables':
        return tables(ctx);
      case 'indexes':
        return indexes(ctx);
      case 'cache':
        return cache(ctx);
      case 'wraparound':
        return wraparound(ctx);
    }
  };

  const runFresh = (request: DiagnosticRequest): Promise<DiagnosticReport> =>
    runIn(request, { purpose: purpose(request), command: commandLine(request), read: (ctx) => topic(ctx, request) });

  const runIn = async (request: DiagnosticReport['request'], spec: TopicSpec): Promise<DiagnosticReport> => {
    const started = deps.clock.monotonic();
    const now = deps.clock.now();
    return deps.db.readOnly(spec.purpose, async (tx) => {
      await tx.query('queries/db/qualify-names');
      const row = (await tx.query('queries/db/context'))[0] ?? {};
      const facts: DbFacts = {
        database: str(row, 'database'),
        roleIdent: str(row, 'role_ident'),
        serverVersionNum: num(row, 'server_version_num'),
        inRecovery: bool(row, 'in_recovery'),
        statsResetMs: epochMs(row, 'db_stats_reset'),
        postmasterStartMs: epochMs(row, 'postmaster_start'),
        readAllStats: bool(row, 'read_all_stats'),
      };
      const ctx: RunContext = { tx, thresholds, facts, now, timezone, redact, query: (text) => displayQuery(typeof text === 'string' ? text : null, max, redact) };
      const result = await spec.read(ctx);
      const notes = [...result.notes];
      if (!facts.readAllStats && request.command === 'db' && ['connections', 'locks', 'long'].includes(request.topic)) {
        notes.push(`Other roles' sessions show no state or query: \`GRANT pg_monitor TO ${facts.roleIdent};\``);
      }
      return {
        request,
        command: spec.command,
        title: result.title,
        status: worst(result.sections.map((s) => s.status)),
        startedAt: new Date(now).toISOString(),
        durationMs: Math.round(deps.clock.monotonic() - started),
        database: facts.database,
        notes,
        statsResetAt: result.statsResetAt,
        sections: result.sections,
      };
    }, spec.rollback ? { rollback: true } : undefined);
  };

  // Ten people typing /db locks in a war room share one run instead of multiplying the load on
  // a database that is already struggling.
  const inflight = new Map<string, Promise<DiagnosticReport>>();
  const shared = (key: string, fresh: () => Promise<DiagnosticReport>): Promise<DiagnosticReport> => {
    let p = inflight.get(key);
    if (!p) {
      p = fresh().finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p;
  };
  return {
    thresholds: () => ({ ...thresholds }),
    run: (request) => shared(JSON.stringify(request), () => runFresh(request)),
    runTopic: (spec) => shared(`topic:${spec.key ?? spec.purpose}`, () => runIn({ command: 'db', topic: spec.purpose.replace(/^db-/, '') }, spec)),
  };
}
