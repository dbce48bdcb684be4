// Every playbook the bot can run, in the order /playbook list shows them. Explicit, not a
// directory scan: adding a playbook is a reviewed change to this list. playbookRegistry checks
// each entry against its risk's rules, so a destructive playbook without approvals fails to
// compile here. The playbooks bound to services (restore, lockdown) join in src/app/registry.ts.
import { playbookRegistry } from '../src/playbooks/types.js';
import { clearTestData } from './clear-test-data.js';
import { createRecommendedIndexes } from './create-recommended-indexes.js';
import { disableUser, enableUser } from './disable-user.js';
import { killIdleConnections } from './kill-idle-connections.js';
import { purgeOldInteractions } from './purge-old-interactions.js';
import { readOnlyMode } from './read-only-mode.js';
import { sendPasswordReset } from './send-password-reset.js';
import { terminateBackend } from './terminate-backend.js';
import { grantRole, revokeRole } from './user-roles.js';
import { vacuumAnalyze } from './vacuum-analyze.js';

export const PLAYBOOKS = playbookRegistry(
  killIdleConnections,
  terminateBackend,
  clearTestData,
  purgeOldInteractions,
  disableUser,
  enableUser,
  sendPasswordReset,
  grantRole,
  revokeRole,
  vacuumAnalyze,
  createRecommendedIndexes,
  readOnlyMode,
);
