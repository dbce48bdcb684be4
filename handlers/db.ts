// /db connections|locks|long [seconds]|tables|indexes|cache|wraparound: the runbook's
// troubleshooting SQL as read-only diagnostics, also as `opsbot db …`. On-call only, and answered
// only to the caller: sessions show client addresses and statements that can carry customer data.
import { parseDbArgs } from '../src/diagnostics/args.js';
import { MIGRATIONS_TOPIC, recentMigrationsHeadline } from '../src/diagnostics/migrations.js';
import { SLOTS_TOPIC } from '../src/diagnostics/replication-slots.js';
import { parseRlsArgs, RLS_EXAMPLE, type RlsArgs } from '../src/diagnostics/rls-args.js';
import { explainTopic, fullPlanText, parseExplainArgs, type ExplainArgs } from '../src/diagnostics/explain.js';
import { escapeMrkdwn, fitMessage, LIMITS, sections, truncate } from '../src/slack/blocks.js';
import { rlsTopic } from '../src/diagnostics/rls.js';
import { cliEquivalent, diagnosticBlocks } from '../src/diagnostics/render-blocks.js';
import { diagnosticText } from '../src/diagnostics/render-text.js';
import type { DiagnosticsService } from '../src/diagnostics/service.js';
import { shareAttachments, type Attachments } from '../src/slack/attachments.js';
import { commandLine, type DbTopic, type DiagnosticReport, type DiagnosticRequest } from '../src/diagnostics/types.js';
import { exitCode } from '../src/health/types.js';
import { noArgs, subcommand, textArgs, type AnySubcommand, type CommandSpec, type Subcommand } from '../src/slack/command.js';
import { answerDiagnostic, type DiagnosticSharing } from './diagnostic-files.js';

/** Everything a diagnostic subcommand shares: on-call, only the caller sees it, Block Kit and terminal renderers. */
export function diagnostic<A>(
  d: Pick<Subcommand<A, DiagnosticReport>, 'name' | 'aliases' | 'argsHint' | 'example' | 'description' | 'args' | 'ack' | 'call'> & {
    detail?: (args: A) => Record<string, unknown>;
    /** A line the audit row (and so an incident's timeline) shows after the command. */
    headline?: (report: DiagnosticReport) => string | undefined;
    /** Long reports as files in the caller's direct messages (see diagnostic-files.ts). */
    share?: () => DiagnosticSharing | undefined;
  },
): AnySubcommand {
  const { headline, share, ...rest } = d;
  return subcommand<A, DiagnosticReport>({
    ...rest,
    ...(share && d.call
      ? {
          async run(args: A, ctx) {
            const report = await d.call!(args, { actor: ctx.who.userId, clock: ctx.deps.clock, timezone: ctx.deps.timezone });
            // Read when the command runs: the catalog (help, manifest) has no services.
            const sharing = share();
            if (sharing) await answerDiagnostic(sharing, report, ctx);
            else await ctx.respond(diagnosticBlocks(report, ctx.deps.timezone));
            return report;
          },
        }
      : {}),
    access: 'oncall',
    visibility: 'ephemeral',
    slack: (report, env) => diagnosticBlocks(report, env.timezone),
    terminal: { text: (report, env) => diagnosticText(report, env.timezone), exitCode: (report) => exitCode(report.status) },
    audit: {
      ...(d.detail ? { detail: d.detail } : {}),
      result: (report) => {
        const line = headline?.(report);
        return { detail: { status: report.status, ...(line ? { headline: line } : {}) } };
      },
    },
    cli: { requires: () => ['DATABASE_URL'] },
  });
}

/** A parsed topic; `defaulted`: `long` without seconds, so the configured threshold applies. */
interface TopicArgs {
  request: DiagnosticRequest;
  defaulted: boolean;
}

/**
 * A /db topic parsed by the shared parser, so aliases and limits stay in one place. Parsing needs
 * no service (the terminal parses before it connects): the configured default of `long` is
 * filled in when the command runs.
 */
function topic(s: DbServices, name: DbTopic, opts: { aliases: string[]; example: string; description: string; argsHint?: string; share?: boolean }): AnySubcommand {
  const { share, ...o } = opts;
  const effective = (a: TopicArgs): DiagnosticRequest =>
    a.defaulted && a.request.command === 'db' && a.request.topic === 'long' ? { ...a.request, seconds: s.diagnostics.thresholds().longRunningSeconds } : a.request;
  return diagnostic<TopicArgs>({
    name,
    ...o,
    args: textArgs((rest) => ({ request: parseDbArgs(`${name} ${rest}`), defaulted: name === 'long' && rest.trim() === '' })),
    ack: (a) => `Running \`${commandLine(effective(a))}\`…`,
    call: (a) => s.diagnostics.run(effective(a)),
    detail: () => ({ topic: name }),
    ...(share ? { share: () => (s.attachments ? { attachments: s.attachments } : undefined) } : {}),
  });
}

/** What /db and /slowqueries use; `attachments` sends long reports as files. */
export interface DbServices {
  diagnostics: DiagnosticsService;
  attachments?: Attachments;
}


/** Room for the plan in one section: the code fence and the note about what was cut. */
const PLAN_ROOM = LIMITS.sectionText - 200;

/**
 * /db explain: the diagnostic report, then the plan as a code block cut at Slack's section limit.
 * A plan longer than that goes whole, as a text file, into the caller's direct messages with the
 * bot (only they see the answer: plans quote the statement); the terminal prints it whole.
 */
function explainMessage(report: DiagnosticReport, timezone: string, whole: string): { text: string; blocks: ReturnType<typeof diagnosticBlocks>['blocks'] } {
  const msg = diagnosticBlocks(report, timezone);
  const plan = fullPlanText(report);
  if (!plan) return msg;
  const cut = plan.length > PLAN_ROOM;
  const body = `\`\`\`${escapeMrkdwn(truncate(plan.replace(/```/g, "'''"), PLAN_ROOM))}\`\`\`${cut ? `\n_Plan cut at Slack's limit; ${whole}_` : ''}`;
  const footer = msg.blocks.at(-1);
  return { text: msg.text, blocks: fitMessage([...msg.blocks.slice(0, -1), ...sections(body), ...(footer ? [footer] : [])], `Run \`${cliEquivalent(report)}\` for the full report.`) };
}

function explainSub(s: DbServices): AnySubcommand {
  return subcommand<ExplainArgs, DiagnosticReport>({
    name: 'explain',
    aliases: ['plan'],
    argsHint: '[analyze] <queryid>',
    example: '/db explain analyze 4512980034327651',
    description:
      'the plan of a /slowqueries statement (generic plan of its parameterised text; `analyze` runs it, SELECTs only, read-only, under the statement timeout): costliest nodes, sequential scans on large tables, suggested indexes, the full plan (on-call)',
    access: 'oncall',
    visibility: 'ephemeral',
    args: textArgs(parseExplainArgs),
    ack: (a) => `Running \`/db explain${a.analyze ? ' analyze' : ''} ${a.queryId}\`…`,
    call: (a) => s.diagnostics.runTopic(explainTopic(a)),
    slack: (report, env) => explainMessage(report, env.timezone, `\`${cliEquivalent(report).replace(' --json', '')}\` prints it whole.`),
    async run(a, ctx) {
      const report = await s.diagnostics.runTopic(explainTopic(a));
      const plan = fullPlanText(report);
      const long = plan !== undefined && plan.length > PLAN_ROOM && s.attachments !== undefined;
      const terminal = `\`${cliEquivalent(report).replace(' --json', '')}\``;
      await ctx.respond(explainMessage(report, ctx.deps.timezone, long ? 'the whole plan is in your direct messages with me.' : `${terminal} prints it whole.`));
      if (!long || !s.attachments) return report;
      const whole = (why: string) => ctx.respond({ text: `${why} Run ${terminal} in a terminal for the whole plan.` });
      let dm;
      try {
        dm = await ctx.chat.postMessage({ channel: ctx.who.userId, text: `The whole plan of \`${report.command}\`, as a file in this thread.`, purpose: 'the query plan' });
      } catch (err) {
        ctx.log.warn({ err }, 'query plan message not posted');
        await whole('I could not send you the whole plan.');
        return report;
      }
      const file = { filename: `explain-${a.queryId}${a.analyze ? '-analyze' : ''}.txt`, title: `Plan of ${report.command}`, content: `${plan}\n`, snippetType: 'text' };
      const problem = await shareAttachments(s.attachments, ctx.log, { channel: dm.channel, threadTs: dm.ts, purpose: 'the query plan' }, { files: [file] });
      if (problem) await whole(problem);
      return report;
    },
    terminal: {
      text: (report, env) => {
        const plan = fullPlanText(report);
        return `${diagnosticText(report, env.timezone)}${plan ? `\n\n${plan}` : ''}`;
      },
      exitCode: (report) => exitCode(report.status),
    },
    audit: { detail: (a) => ({ topic: a.analyze ? 'explain analyze' : 'explain', queryId: a.queryId }), result: (report) => ({ detail: { status: report.status } }) },
    cli: { requires: () => ['DATABASE_URL'] },
  });
}

export function dbCommand(s: DbServices): CommandSpec {
  return {
    command: '/db',
    description: 'Database diagnostics: connections, locks, long queries, tables, indexes, cache, wraparound, migrations, RLS as a user, query plans',
    auditTarget: 'command',
    subcommands: [
      topic(s, 'connections', { aliases: ['connection', 'conn', 'conns'], example: '/db connections', description: 'connections vs the 40/50 limits, by user/app/client; idle and idle-in-transaction sessions (on-call; only you see it)' }),
      topic(s, 'locks', { aliases: ['lock', 'blocking'], example: '/db locks', description: 'blocking chains, root blocker first, with lock modes and wait times (on-call)' }),
      topic(s, 'long', { aliases: ['long-running', 'running'], argsHint: '[seconds]', example: '/db long 300', description: 'statements running over 300 s (default 60); autovacuum, replication, backups and the bot listed apart (on-call)' }),
      topic(s, 'tables', { aliases: ['table', 'vacuum', 'bloat'], example: '/db tables', description: 'largest tables; dead tuples and tables due for vacuum/analyze (on-call)' }),
      topic(s, 'indexes', { aliases: ['index', 'indices'], example: '/db indexes', description: 'unused, duplicate and invalid indexes, unindexed foreign keys, sequential-scan hot spots (on-call); a long list comes as files in your DMs', share: true }),
      topic(s, 'cache', { aliases: ['cache-hit'], example: '/db cache', description: 'table and index cache hit ratios with the statistics’ age (on-call)' }),
      topic(s, 'wraparound', { aliases: ['xid', 'sequences'], example: '/db wraparound', description: 'transaction-ID age per database; sequences above 90 % of their range (on-call)' }),
      diagnostic<undefined>({
        name: 'migrations',
        aliases: ['migration'],
        example: '/db migrations',
        description: 'applied Supabase migrations, newest first, and which landed in the last 24 h (on-call)',
        args: noArgs('/db migrations'),
        ack: 'Running `/db migrations`…',
        call: () => s.diagnostics.runTopic(MIGRATIONS_TOPIC),
        detail: () => ({ topic: 'migrations' }),
        headline: recentMigrationsHeadline,
      }),
      diagnostic<undefined>({
        name: 'slots',
        aliases: ['replication', 'replication-slots', 'wal'],
        example: '/db slots',
        description: 'replication slots and the WAL each holds back; an inactive one fills the disk (on-call)',
        args: noArgs('/db slots'),
        ack: 'Running `/db slots`…',
        call: () => s.diagnostics.runTopic(SLOTS_TOPIC),
        detail: () => ({ topic: 'slots' }),
      }),
      explainSub(s),
      diagnostic<RlsArgs>({
        name: 'rls',
        aliases: ['rls-test', 'policies'],
        argsHint: '<user-uuid> <table> [where …]',
        example: RLS_EXAMPLE,
        description:
          'rows a signed-in user sees vs all rows, as Supabase\'s API would run it (role authenticated, their JWT claims), a sample of ids and the table\'s policies; read-only and rolled back (on-call)',
        args: textArgs(parseRlsArgs),
        ack: (a) => `Testing RLS on \`${a.schema}.${a.table}\` as user \`${a.userId}\`…`,
        call: (a) => s.diagnostics.runTopic(rlsTopic(a)),
        detail: (a) => ({ topic: 'rls', user: a.userId, table: `${a.schema}.${a.table}`, conditions: a.conditions.length }),
      }),
    ],
  };
}
