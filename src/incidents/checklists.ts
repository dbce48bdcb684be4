// The runbook's first steps per incident kind ("Incident Response"), posted in the war room as a
// message whose items are buttons. Each button runs an existing declared subcommand in the
// channel, so the result is posted there and lands on the timeline through its audit row.
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, header, LIMITS, sections, truncate } from '../slack/blocks.js';
import { ACTIONS, ref } from './render.js';
import type { Incident, IncidentKind } from './types.js';

export interface FirstStep {
  /** Stable key, the button's value together with the incident id. */
  key: string;
  label: string;
  /** The declared command and its text, run as if typed in the war room. */
  command: `/${string}`;
  /** The text after the command; `{title}` is the incident's title (the lockdown reason). */
  text: string;
}

export interface KindSteps {
  steps: readonly FirstStep[];
  /** What the bot cannot check itself, said plainly. */
  notes: readonly string[];
}

export const FIRST_STEPS: Record<IncidentKind, KindSteps> = {
  data_breach: {
    steps: [{ key: 'lockdown', label: 'Request lockdown (revoke sessions, switch off integrations)', command: '/lockdown', text: 'start {title}' }],
    notes: ['Preserve evidence before changing anything else; the lockdown request captures it. Regulators: 24 h / 72 h deadlines start with the lockdown.'],
  },
  service_outage: {
    steps: [
      // Runbook "P0: Service Outage": status page, DNS, database, front end — one button, in parallel.
      { key: 'outage', label: 'Outage checks: status page, DNS, database, front end', command: '/health', text: 'outage' },
      { key: 'frontend', label: 'Front end', command: '/health', text: 'frontend' },
      { key: 'db', label: 'Database connection', command: '/health', text: 'db' },
      { key: 'edge', label: 'Edge function', command: '/health', text: 'edge' },
      // Runbook "Database Migrations": one applied in the last 24 h is the usual suspect after a deploy.
      { key: 'migrations', label: 'Migrations of the last 24 h', command: '/db', text: 'migrations' },
    ],
    notes: [
      'The outage checks read the Supabase status page (components and open incidents in our region) and resolve the app’s, project’s and database’s hosts, then list the runbook’s failover steps. The bot cannot see your hosting provider’s status page: check it yourself.',
    ],
  },
  auth_issues: {
    steps: [
      { key: 'auth', label: 'Auth health and failed sign-ins', command: '/health', text: 'auth' },
      { key: 'authlogs', label: 'Summarize auth logs', command: '/logs', text: 'summarize auth' },
    ],
    notes: [],
  },
  performance: {
    steps: [
      { key: 'slowqueries', label: 'Slow queries by total time', command: '/slowqueries', text: 'total' },
      { key: 'locks', label: 'Lock waits', command: '/db', text: 'locks' },
      { key: 'long', label: 'Long-running queries', command: '/db', text: 'long' },
      { key: 'migrations', label: 'Migrations of the last 24 h', command: '/db', text: 'migrations' },
    ],
    notes: [],
  },
  other: { steps: [{ key: 'health', label: 'Full health check', command: '/health', text: '' }], notes: [] },
};

/** The step a button names, by kind and key. */
export function findStep(kind: IncidentKind, key: string): FirstStep | undefined {
  return FIRST_STEPS[kind].steps.find((s) => s.key === key);
}

/** The text a step runs for this incident (the lockdown reason is the incident's title). */
export function stepText(step: FirstStep, i: Pick<Incident, 'id' | 'title'>): string {
  return step.text.replace('{title}', `${ref(i)}: ${i.title}`.slice(0, 480));
}

/** The first-steps message with one button per step. */
export function firstStepsMessage(i: Incident): { text: string; blocks: KnownBlock[] } {
  const { steps, notes } = FIRST_STEPS[i.kind];
  const lines = steps.map((s) => `• *${escapeMrkdwn(s.label)}* — \`${s.command}${s.text.includes('{title}') ? ' start …' : s.text ? ` ${s.text}` : ''}\``);
  const blocks: KnownBlock[] = [
    header(`First steps for ${ref(i)}`),
    ...sections([...lines, ...notes.map((n) => `_${escapeMrkdwn(n)}_`)].join('\n')),
    {
      type: 'actions',
      block_id: `incident-steps:${i.id}`,
      elements: steps.map((s) => ({
        type: 'button' as const,
        action_id: `${ACTIONS.step}.${s.key}`,
        text: { type: 'plain_text' as const, text: truncate(s.label, LIMITS.buttonText), emoji: true },
        value: `${i.id}:${s.key}`,
      })),
    },
  ];
  return { text: `First steps for ${ref(i)}: ${steps.map((s) => s.label).join(', ')}`, blocks };
}
