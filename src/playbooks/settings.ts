// Settings of the approval engine: how long a request waits for a second person.
import type { z } from 'zod';
import { int, setting, settingsArea } from '../core/env-schema.js';

export const PlaybookEnv = settingsArea('Playbooks', 'Requests for runbook procedures and their approvals.', {
  PLAYBOOK_APPROVAL_TTL_MINUTES: setting(int(1, 1440), {
    doc: 'How long a playbook request waits for approval before it expires',
    default: '15',
  }),
});

export type PlaybookEnv = z.infer<typeof PlaybookEnv>;
