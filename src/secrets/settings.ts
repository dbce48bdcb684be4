// Settings of /secrets: how old a function secret may get before it is flagged for rotation. The
// Management API address, token and project ref are the logs area's (SUPABASE_ACCESS_TOKEN, …).
import type { z } from 'zod';
import { int, setting, settingsArea } from '../core/env-schema.js';

export const SecretsEnv = settingsArea('Secrets', 'The project’s Edge Function secrets: names and ages only, never values.', {
  SECRET_MAX_AGE_DAYS: setting(int(1, 3650), {
    doc: '/secrets flags function secrets not changed for more than this many days (runbook "Rotate API Keys")',
    default: '90',
  }),
});

export type SecretsEnv = z.infer<typeof SecretsEnv>;

export interface SecretsSettings {
  maxAgeDays: number;
}

export function toSecretsSettings(e: SecretsEnv): SecretsSettings {
  return { maxAgeDays: e.SECRET_MAX_AGE_DAYS };
}
