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
