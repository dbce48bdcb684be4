// Settings of the approval engine: how long a request waits for a second person, and how long
// delete-user's safety exports (an erased user's rows) are kept.
import type { z } from 'zod';
import { int, setting, settingsArea } from '../core/env-schema.js';

export const PlaybookEnv = settingsArea('Playbooks', 'Requests for runbook procedures and their approvals.', {
  PLAYBOOK_APPROVAL_TTL_MINUTES: setting(int(1, 1440), {
    doc: 'How long a playbook request waits for approval before it expires',
    default: '15',
  }),
  USER_EXPORT_RETENTION_DAYS: setting(int(1, 3650), {
    doc: "How long delete-user's safety exports (the erased user's rows, personal data) stay in the state store; a daily job deletes older ones",
    default: '30',
  }),
});

export type PlaybookEnv = z.infer<typeof PlaybookEnv>;
