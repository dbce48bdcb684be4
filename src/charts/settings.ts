// Settings of charts and long reports as files.
import type { z } from 'zod';
import { flag, int, setting, settingsArea } from '../core/env-schema.js';

export const ChartsEnv = settingsArea('Charts and files', 'Pictures in Slack (rendered on the server, no browser) and how long the samples behind them are kept.', {
  CHARTS_ENABLED: setting(flag(), {
    doc: 'Attach charts (PNG with alt text) to /logs summarize, /slowqueries, /backup list, /health db, postmortems and the App Home; every message keeps its text report either way',
    default: 'true',
  }),
  METRIC_SAMPLES_RETENTION_HOURS: setting(int(25, 2160), {
    doc: 'How long the per-minute database samples (connections, size) behind the /health db and App Home chart are kept',
    default: '48',
  }),
});

export interface ChartSettings {
  enabled: boolean;
  sampleRetentionMs: number;
}

export function toChartSettings(e: z.output<typeof ChartsEnv>): ChartSettings {
  return { enabled: e.CHARTS_ENABLED, sampleRetentionMs: e.METRIC_SAMPLES_RETENTION_HOURS * 3_600_000 };
}
