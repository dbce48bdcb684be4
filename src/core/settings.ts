// Settings every area shares: the time zone people read times in and how much the bot logs.
import { z } from 'zod';
import { setting, settingsArea } from './env-schema.js';

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/New_York');

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const GeneralEnv = settingsArea('General', 'Time zone and logging, shared by every part of the bot.', {
  OPS_TIMEZONE: setting(timezone, {
    doc: 'IANA time zone for times shown to people and for schedules',
    default: 'America/New_York',
  }),
  LOG_LEVEL: setting(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`), {
    doc: 'pino log level',
    default: 'info',
  }),
});

export type GeneralEnv = z.infer<typeof GeneralEnv>;

export const RUN_MODES = ['local', 'slack'] as const;

// Read by src/main.ts before anything else is loaded: which bot starts. They live in the core
// (not src/local/) because the Slack mode must decide without loading the local workspace.
export const LocalEnv = settingsArea(
  'Local workspace',
  'Which bot `npm start` runs: the production Slack bot, or the local workspace (embedded Postgres, simulated Supabase, a page that plays Slack) when no Slack setting is present.',
  {
    OPSBOT_MODE: setting(z.enum(RUN_MODES, `must be one of ${RUN_MODES.join(', ')}`), {
      doc: 'Forces the mode: slack (production; fails when Slack settings are missing) or local (the local workspace, also with a DATABASE_URL on another machine). Unset: slack when any Slack setting is present, local when none is',
      example: 'local',
    }),
    OPSBOT_LOCAL_DIR: setting(z.string().min(1), {
      doc: 'Folder of the local workspace: embedded Postgres data and the running workspace address (git-ignored)',
      default: '.local',
    }),
  },
);

export type LocalEnv = z.infer<typeof LocalEnv>;
