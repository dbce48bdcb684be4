// The runbook's pre- and post-maintenance checklists, as generic checklist definitions.
import type { ChecklistItemInput } from '../checklist/types.js';

export const PRE_KIND = 'maintenance.pre';
export const POST_KIND = 'maintenance.post';

export const PRE_ITEMS: ChecklistItemInput[] = [
  { key: 'announce', label: 'Maintenance announced to users (72 h notice)' },
  { key: 'backup', label: 'Database backed up' },
  { key: 'staging', label: 'Changes tested on staging' },
  { key: 'rollback', label: 'Rollback plan written and reviewed' },
  { key: 'team', label: 'Team notified and available' },
  { key: 'monitoring', label: 'Monitoring set for the window' },
  // Issue 15: the window is the natural time to rotate what `/secrets` flags as too old.
  { key: 'secrets', label: 'Secrets past SECRET_MAX_AGE_DAYS rotated (`/secrets`, `/secrets rotate`)' },
];

export const POST_ITEMS: ChecklistItemInput[] = [
  { key: 'services-up', label: 'All services up (front end, database, edge function, auth)' },
  { key: 'smoke-tests', label: 'Smoke tests pass (sign in, AI chat, key flows)' },
  { key: 'error-rates', label: 'Error rates back to normal' },
  { key: 'logs', label: 'Logs checked for new errors' },
  { key: 'docs', label: 'Documentation and runbook updated' },
  { key: 'users', label: 'Users notified that maintenance is complete' },
];
