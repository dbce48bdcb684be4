// /health db with its chart: the report is posted in the channel by the bot and the chart of
// connections over the last 24 h and database size against the limit goes in its thread. Every
// other /health, and /health db without charts or samples, answers through response_url as before.
import { dbHealthChart, type DbChartLimits } from '../src/charts/health-chart.js';
import type { Component, HealthReport } from '../src/health/types.js';
import type { MetricSampleStore } from '../src/metrics/samples.js';
import { healthBlocks } from '../src/render/health-blocks.js';
import { shareAttachments, type Attachments } from '../src/slack/attachments.js';
import type { SlackRun } from '../src/slack/command.js';

export interface HealthCharts {
  attachments: Attachments;
  samples: MetricSampleStore;
  limits: DbChartLimits;
}

const DAY_MS = 86_400_000;

/** Answers a health report in the channel; /health db also gets its chart in the thread. */
export async function answerHealth(charts: HealthCharts | undefined, component: Component | undefined, report: HealthReport, ctx: SlackRun): Promise<void> {
  const msg = healthBlocks(report, ctx.deps.timezone);
  if (!charts?.attachments.charts || component !== 'database') {
    await ctx.respond(msg, { inChannel: true });
    return;
  }
  const now = ctx.deps.clock.now();
  const points = await charts.samples.since(now - DAY_MS).catch((err: unknown) => {
    ctx.log.warn({ err }, 'metric samples not read');
    return [];
  });
  const chart = dbHealthChart(points, charts.limits, ctx.deps.timezone);
  if (!chart) {
    await ctx.respond(msg, { inChannel: true });
    return;
  }
  let posted;
  try {
    posted = await ctx.chat.postMessage({ channel: ctx.who.channelId, text: msg.text, blocks: msg.blocks, purpose: 'the health report' });
  } catch (err) {
    ctx.log.warn({ err }, 'health report not posted as the bot; answered through response_url');
    await ctx.respond(msg, { inChannel: true });
    return;
  }
  const problem = await shareAttachments(charts.attachments, ctx.log, { channel: posted.channel, threadTs: posted.ts, purpose: 'the chart' }, { charts: [chart] });
  if (problem) await ctx.chat.postMessage({ channel: posted.channel, threadTs: posted.ts, text: `No chart this time: ${problem}`, purpose: 'the chart failure note' }).catch(() => undefined);
}
