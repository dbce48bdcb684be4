// Arguments of /health and `opsbot health`: nothing, or one component (with short aliases).
import { InputError } from '../core/errors.js';
import { COMPONENTS, type Component } from './types.js';

const ALIASES: Record<string, Component> = {
  db: 'database',
  database: 'database',
  postgres: 'database',
  frontend: 'frontend',
  app: 'frontend',
  web: 'frontend',
  edge: 'edge',
  ai: 'edge',
  'ai-chat': 'edge',
  auth: 'auth',
  backup: 'backups',
  backups: 'backups',
};

export const HEALTH_USAGE = '/health [db|frontend|edge|auth|backups|outage]';

/** Parses the argument text; undefined means every component. */
export function parseHealthArgs(text: string): Component | undefined {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const c = words.length === 1 ? ALIASES[words[0]!] : undefined;
  if (!c) {
    const shown = text.trim().slice(0, 40);
    throw new InputError(
      `I don't know the component "${shown}". Use \`/health\` for everything, or one of: \`/health db\`, \`/health frontend\`, \`/health edge\`, \`/health auth\`, or \`/health outage\` for the outage checks.`,
    );
  }
  if (!COMPONENTS.includes(c)) throw new InputError(`Unknown component. Usage: ${HEALTH_USAGE}`);
  return c;
}
