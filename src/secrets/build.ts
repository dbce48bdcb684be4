// The secrets service from its settings, for the bot and the CLI alike.
import type { ChecklistService } from '../checklist/service.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { StateStore } from '../state/store.js';
import { managementApiSecrets } from './management-api.js';
import { createSecretsService, type SecretsService } from './service.js';
import { stateSecretStore } from './store.js';

export interface SecretsBuildDeps {
  /** SUPABASE_MANAGEMENT_API_URL, SUPABASE_ACCESS_TOKEN and the project ref (the logs area's settings). */
  management: { apiUrl: string; accessToken: string | undefined; projectRef: string | undefined; timeoutMs: number };
  maxAgeDays: number;
  state: StateStore;
  checklists: ChecklistService;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
}

export function buildSecretsService(d: SecretsBuildDeps): SecretsService {
  return createSecretsService({
    source: managementApiSecrets({ ...d.management, fetch: d.fetch, clock: d.clock }),
    store: stateSecretStore(d.state),
    checklists: d.checklists,
    clock: d.clock,
    logger: d.logger,
    maxAgeDays: d.maxAgeDays,
  });
}
