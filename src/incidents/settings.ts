// Settings of incidents: where stakeholders read updates, how war-room channels are named and
// whether they are private, who may declare, and how often a stakeholder update is due.
import { z } from 'zod';
import { channelId, flag, int, setting, settingsArea } from '../core/env-schema.js';
import { SEVERITIES, type Severity } from './types.js';

const DEFAULT_CADENCE = 'P0=30,P1=60,P2=240,P3=1440';

/** "P0=30,P1=60,…": minutes between stakeholder updates per severity; a severity left out keeps its default. */
const cadence = () =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const out = parseCadence(DEFAULT_CADENCE);
      for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^(P[0-3])\s*=\s*(\d{1,5})$/i.exec(part);
        const minutes = m ? Number(m[2]) : NaN;
        if (!m || minutes < 5 || minutes > 10_080) {
          ctx.addIssue({ code: 'custom', message: `must be severity=minutes pairs such as ${DEFAULT_CADENCE} (5 to 10080 minutes each); "${part.slice(0, 30)}" is not` });
          return z.NEVER;
        }
        out[m[1]!.toUpperCase() as Severity] = minutes;
      }
      return out;
    });

function parseCadence(s: string): Record<Severity, number> {
  const out = {} as Record<Severity, number>;
  for (const part of s.split(',')) {
    const [sev, min] = part.split('=');
    out[sev as Severity] = Number(min);
  }
  return out;
}

export const IncidentEnv = settingsArea('Incidents', 'Declared incidents: war-room channels, who may declare, stakeholder updates.', {
  STATUS_CHANNEL_ID: setting(channelId(), {
    doc: 'Stakeholder channel for declarations, updates and closing summaries (defaults to ALERTS_CHANNEL_ID)',
    example: 'C012STATUS',
  }),
  INCIDENT_CHANNEL_PRIVATE: setting(flag(), {
    doc: 'Create war-room channels as private channels (needs the groups:write scope)',
    default: 'false',
  }),
  INCIDENT_CHANNEL_PREFIX: setting(z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,19}$/, 'must be 1-20 lowercase letters, digits, - or _ (a Slack channel name start)'), {
    doc: 'Start of war-room channel names: <prefix>-<yyyymmdd>-<slug>',
    default: 'inc',
  }),
  INCIDENT_DECLARE_ACCESS: setting(z.enum(['read', 'oncall'], 'must be read (anyone in an allowed channel) or oncall'), {
    doc: 'Who may declare an incident: read (anyone in an allowed channel) or oncall',
    default: 'read',
  }),
  INCIDENT_UPDATE_MINUTES: setting(cadence(), {
    doc: 'Minutes between stakeholder updates by severity; the commander is reminded when one is overdue',
    default: DEFAULT_CADENCE,
  }),
  INCIDENT_RATE_LIMIT_WAIT_SECONDS: setting(int(1, 120), {
    doc: 'Longest total wait for Slack rate limits (Retry-After) while creating a war room before giving up',
    default: '30',
  }),
});

export type IncidentEnv = z.infer<typeof IncidentEnv>;

export interface IncidentSettings {
  /** Stakeholder channel; undefined when neither STATUS_CHANNEL_ID nor ALERTS_CHANNEL_ID is set. */
  statusChannel: string | undefined;
  privateChannels: boolean;
  channelPrefix: string;
  declareAccess: 'read' | 'oncall';
  /** Minutes between stakeholder updates per severity. */
  updateMinutes: Record<Severity, number>;
  /** Longest total wait for rate limits while creating a war room. */
  rateLimitWaitMs: number;
}

export function toIncidentSettings(e: IncidentEnv, alertsChannel: string | undefined): IncidentSettings {
  return {
    statusChannel: e.STATUS_CHANNEL_ID ?? alertsChannel,
    privateChannels: e.INCIDENT_CHANNEL_PRIVATE,
    channelPrefix: e.INCIDENT_CHANNEL_PREFIX,
    declareAccess: e.INCIDENT_DECLARE_ACCESS,
    updateMinutes: e.INCIDENT_UPDATE_MINUTES,
    rateLimitWaitMs: e.INCIDENT_RATE_LIMIT_WAIT_SECONDS * 1000,
  };
}

/** The update cadence in ms per severity, for the service's `cadenceMs`. */
export function cadenceMs(s: IncidentSettings): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((sev) => [sev, s.updateMinutes[sev] * 60_000])) as Record<Severity, number>;
}
