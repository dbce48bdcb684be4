// Records a command in the audit log without letting a slow or unavailable state database
// delay or break the command itself.
import type { AuditEntry } from '../state/store.js';
import type { HandlerDeps } from './command.js';
import type { Logger } from '../core/log.js';

export function auditInBackground(deps: HandlerDeps, log: Logger, entry: AuditEntry): void {
  deps.state.audit(entry).catch((err: unknown) => log.warn({ err }, 'audit write failed'));
}
