// Settings of /lockdown: break-glass self-approval, where evidence is written, and how often the
// breach-notification deadlines (24 h, 72 h) are repeated.
import { z } from 'zod';
import { flag, num, setting, settingsArea } from '../core/env-schema.js';

export const LockdownEnv = settingsArea('Lockdown', 'The breach lockdown: break-glass, evidence and notification deadlines.', {
  BREAK_GLASS_ENABLED: setting(flag(), {
    doc: 'Lets a lone responder self-approve a lockdown with a typed reason (announced in ALERTS_CHANNEL_ID and audited)',
    default: 'false',
  }),
  LOCKDOWN_EVIDENCE_DIR: setting(z.string().trim().min(1, 'must be a folder path'), {
    doc: 'Folder where lockdown evidence is also written as a JSON file (besides the state store)',
    example: '/var/lib/opsbot/evidence',
  }),
  LOCKDOWN_REMINDER_REPEAT_HOURS: setting(num(0.25, 168), {
    doc: 'How often an open breach-notification deadline (24 h, 72 h) is posted again until marked done',
    default: '6',
  }),
});

export type LockdownEnv = z.infer<typeof LockdownEnv>;

export interface LockdownConfig {
  evidenceDir: string | undefined;
  reminderRepeatMs: number;
}

export function toLockdownSettings(e: LockdownEnv): LockdownConfig {
  return { evidenceDir: e.LOCKDOWN_EVIDENCE_DIR, reminderRepeatMs: e.LOCKDOWN_REMINDER_REPEAT_HOURS * 3_600_000 };
}
