// What every slash-command handler declares, and what it receives. handlers/index.ts lists
// them; the manifest test checks that manifest.yml and this registry agree.
import type { App } from '@slack/bolt';
import type { Access, Authorizer } from './authz.js';
import type { Clock } from '../core/clock.js';
import type { HealthService } from '../health/runner.js';
import type { Logger } from '../core/log.js';
import type { StateStore } from '../state/store.js';

export interface HandlerDeps {
  health: HealthService;
  authz: Authorizer;
  state: StateStore;
  clock: Clock;
  logger: Logger;
  timezone: string;
}

/** A usage line of a command, shown by /ops help to those who may run it. */
export interface Usage {
  example: string;
  description: string;
  access: Access;
}

export interface CommandSpec {
  /** Slash command, as in manifest.yml. */
  command: `/${string}`;
  description: string;
  usageHint: string;
  usage: Usage[];
  /** Adds the listeners for this command to the Bolt app. */
  register(app: App, deps: HandlerDeps, registry: readonly CommandSpec[]): void;
}

/**
 * Listeners that are not slash commands (buttons, checkboxes, shortcuts, events), registered
 * next to the commands. Areas with their own services export a factory that closes over them.
 */
export interface InteractionSpec {
  /** Name for logs and tests, e.g. 'checklist'. */
  id: string;
  /** Adds the listeners to the Bolt app. */
  register(app: App, deps: HandlerDeps): void;
}
