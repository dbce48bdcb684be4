// Assembles the diagnostics service from configuration, for the bot and the CLI alike. The
// thresholds /health already has settings for are taken from there, so /health and /db never
// disagree; the others have settings of their own (config.diagnostics).
import type { Clock } from '../core/clock.js';
import type { Config } from './config.js';
import type { TargetDb } from '../db/target.js';
import type { Redactor } from '../core/redact.js';
import { createDiagnosticsService, type DiagnosticsService } from '../diagnostics/service.js';
import { sharedWithHealth } from '../diagnostics/settings.js';

export interface DiagnosticsBuildDeps {
  config: Config;
  db: TargetDb;
  clock: Clock;
  redactor: Redactor;
}

export function buildDiagnosticsService({ config, db, clock, redactor }: DiagnosticsBuildDeps): DiagnosticsService {
  return createDiagnosticsService({
    db,
    clock,
    timezone: config.timezone,
    thresholds: { ...sharedWithHealth(config.thresholds), ...config.diagnostics },
    redact: (text) => redactor.redact(text),
  });
}
