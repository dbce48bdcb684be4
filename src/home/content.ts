// What the Home tab shows, read from the bot's services: the shared part once per round (open
// incidents, the lockdown, health with the database chart, maintenance, pending requests), then per viewer the requests
// they may approve — by the same rules the request message's buttons apply: an approver (in the
// request's own channel, as the allow-list has it), not the requester, not one who approved it
// already, pending and unexpired. A part that cannot be read is said in its place.
import type { Clock } from '../core/clock.js';
import { isOpsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { IncidentService } from '../incidents/port.js';
import type { Incident } from '../incidents/types.js';
import type { Lockdown, LockdownService } from '../lockdown/service.js';
import type { MaintenanceWindow } from '../maintenance/calendar.js';
import type { MaintenanceService } from '../maintenance/service.js';
import type { PlaybookEngine } from '../playbooks/engine.js';
import type { PlaybookRequest } from '../playbooks/request.js';
import { APP_HOME_CHANNEL, type Authorizer } from '../slack/authz.js';
import type { HomeChart, HomeDatabase } from './chart.js';
import type { HomeContent } from './publisher.js';
import type { ComponentHealth, HomeStore } from './store.js';
import { homeView, outsiderView } from './view.js';

/** How many recent requests are looked through for pending ones (a request expires in minutes). */
const RECENT_REQUESTS = 200;

export interface SharedHome {
  now: number;
  incidents: Incident[];
  lockdown: Lockdown | undefined;
  health: ComponentHealth[];
  /** The database chart and its figures (undefined without samples). */
  database: HomeDatabase | undefined;
  maintenance: MaintenanceWindow | undefined;
  pending: PlaybookRequest[];
  problems: string[];
}

export interface HomeContentDeps {
  incidents: Pick<IncidentService, 'listOpen'>;
  lockdown: Pick<LockdownService, 'current'>;
  engine: Pick<PlaybookEngine, 'recent'>;
  maintenance: Pick<MaintenanceService, 'next'>;
  store: Pick<HomeStore, 'health'>;
  /** The database chart; without it the Home tab has none. */
  chart?: Pick<HomeChart, 'current'>;
  authz: Authorizer;
  /** INCIDENT_DECLARE_ACCESS: who may use the Declare button. */
  declareAccess: 'read' | 'oncall';
  clock: Clock;
  logger: Logger;
  timezone: string;
}

export function createHomeContent(d: HomeContentDeps): HomeContent<SharedHome> {
  const part = async <T>(what: string, read: () => Promise<T>, fallback: T, into: string[]): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      d.logger.warn({ err, part: what }, 'a Home tab section could not be read');
      into.push(`${what} could not be read just now${isOpsError(err) ? `: ${err.userMessage}` : ' (the details are in the bot\'s logs)'}`);
      return fallback;
    }
  };
  return {
    async load() {
      const now = d.clock.now();
      const into: string[] = [];
      const [incidents, lockdown, health, next, recent, database] = await Promise.all([
        part('Open incidents', () => d.incidents.listOpen(), [], into),
        part('The lockdown', () => d.lockdown.current(), undefined, into),
        part('The last health check', () => d.store.health(), [], into),
        part('The next maintenance window', async () => (await d.maintenance.next()).window, undefined, into),
        part('Requests waiting for approval', () => d.engine.recent(RECENT_REQUESTS), [], into),
        // Never throws: a chart that cannot be shown is logged and left out.
        d.chart?.current(),
      ]);
      const open = lockdown && lockdown.state !== 'lifted' ? lockdown : undefined;
      const pending = recent.filter((r) => r.state === 'pending' && r.expiresAt.getTime() > now).sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
      return { now, incidents, lockdown: open, health, database, maintenance: next, pending, problems: into };
    },

    async viewFor(s, viewer, notice) {
      // The ops status is for the people the commands serve (the allowed channels' members).
      const reader = await d.authz.check('read', { userId: viewer, channelId: APP_HOME_CHANNEL });
      if (!reader.allowed) return outsiderView(viewer, reader.message, notice);
      const problems = [...s.problems];
      let approvals: PlaybookRequest[] | undefined;
      // Whether to show the section at all: an approver sees "nothing waiting" too.
      const isApprover = await d.authz.check('approver', { userId: viewer, channelId: APP_HOME_CHANNEL });
      if (isApprover.allowed) {
        approvals = [];
        for (const r of s.pending) {
          if (r.requestedBy === viewer || r.approvers.includes(viewer) || !r.channel || !r.messageTs) continue;
          // The button's own check: the approver role in the request's channel.
          if ((await d.authz.check('approver', { userId: viewer, channelId: r.channel })).allowed) approvals.push(r);
        }
      } else if (/did not answer/.test(isApprover.message)) {
        problems.push('I could not check whether you are an approver (Slack did not answer), so requests waiting for approval are not shown.');
      }
      const canDeclare = d.declareAccess === 'read' || (await d.authz.check(d.declareAccess, { userId: viewer, channelId: APP_HOME_CHANNEL })).allowed;
      return homeView({
        viewer,
        canDeclare,
        now: s.now,
        timezone: d.timezone,
        incidents: s.incidents,
        lockdown: s.lockdown,
        health: s.health,
        database: s.database,
        approvals,
        maintenance: s.maintenance,
        ...(notice ? { notice } : {}),
        problems,
      });
    },
  };
}
