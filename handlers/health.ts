// /health [db|frontend|edge|auth|backups]: the runbook's health checks, visible in the channel;
// also `opsbot health`, whose exit code follows the monitoring-plugin convention.
import { parseHealthArgs } from '../src/health/args.js';
import type { OutageService } from '../src/health/outage.js';
import type { OutageReport } from '../src/health/outage-types.js';
import { outageBlocks, outageText } from '../src/render/outage.js';
import type { HealthService } from '../src/health/runner.js';
import { exitCode, type Component, type HealthReport } from '../src/health/types.js';
import { healthBlocks } from '../src/render/health-blocks.js';
import { healthText } from '../src/render/health-text.js';
import { noArgs, subcommand, textArgs, type CommandSpec, type RequirementName } from '../src/slack/command.js';
import { answerHealth, type HealthCharts } from './health-chart.js';

/** The state store: STATE_DATABASE_URL, which defaults to DATABASE_URL. */
const STATE = ['DATABASE_URL', 'STATE_DATABASE_URL'] as const;

// What `opsbot health` cannot run without, per component: every run reads the lockdown notice
// and the backup catalogue from the state store; failed sign-ins are counted in the target's auth schema.
const REQUIRES: Record<Component | 'all', readonly RequirementName[]> = {
  all: ['DATABASE_URL', 'APP_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY'],
  database: ['DATABASE_URL'],
  frontend: ['APP_URL', STATE],
  edge: ['SUPABASE_URL', 'SUPABASE_ANON_KEY', STATE],
  auth: ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'DATABASE_URL'],
  backups: [STATE],
};

export function healthCommand(s: { health: HealthService; outage: OutageService; healthCharts?: HealthCharts }): CommandSpec {
  return {
    command: '/health',
    description: 'Health of the front end, database, AI edge function and auth, with runbook thresholds',
    auditTarget: 'command',
    subcommands: [
      subcommand<Component | undefined, HealthReport>({
        name: '',
        argsHint: '[db|frontend|edge|auth|backups|outage]',
        example: '/health',
        description:
          'check everything, or one component: `/health db` (connections, size, cache, wraparound, host CPU/memory/disk, largest tables), `frontend` (with TLS expiry), `edge` (probe, error rate, P95, 429s, AI credits), `auth` (with Site URL and redirect URLs), `backups`',
        access: 'read',
        args: textArgs(parseHealthArgs),
        ack: (component) => `Running ${component ?? 'all'} health checks…`,
        visibility: 'in_channel',
        call: (component) => s.health.run(component),
        slack: (report, env) => healthBlocks(report, env.timezone),
        // In Slack: /health db also posts its 24 h chart in the report's thread (health-chart.ts).
        async run(component, ctx) {
          const report = await s.health.run(component);
          await answerHealth(s.healthCharts, component, report, ctx);
          return report;
        },
        terminal: { text: (report, env) => healthText(report, env.timezone), exitCode: (report) => exitCode(report.status) },
        audit: { detail: (component) => ({ component: component ?? 'all' }), result: (report) => ({ detail: { status: report.status } }) },
        cli: { requires: (component) => REQUIRES[component ?? 'all'] },
      }),
      subcommand<undefined, OutageReport>({
        name: 'outage',
        example: '/health outage',
        description:
          'runbook "P0: Service Outage": the Supabase status page (components, open incidents in our region), DNS of the app, project and database hosts, `SELECT 1`, the front end — in parallel — then the failover steps',
        access: 'read',
        args: noArgs('/health outage'),
        ack: 'Running the outage checks (status page, DNS, database, front end)…',
        visibility: 'in_channel',
        call: () => s.outage.run(),
        slack: (report, env) => outageBlocks(report, env.timezone),
        terminal: { text: (report, env) => outageText(report, env.timezone), exitCode: (report) => exitCode(report.status) },
        audit: { detail: () => ({ component: 'outage' }), result: (report) => ({ detail: { status: report.status } }) },
        cli: { requires: () => ['DATABASE_URL', 'APP_URL', 'SUPABASE_URL'] },
      }),
    ],
  };
}
