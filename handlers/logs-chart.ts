// A /logs summary with its chart: the summary is posted in the channel (so it has a thread),
// and the chart of lines per minute goes in that thread with its alt text. Without charts, or
// when the bot cannot post in the channel itself, the summary goes through response_url as
// before, so it always arrives.
import { logsChart } from '../src/charts/logs-chart.js';
import { renderSummaryBlocks } from '../src/logs/render.js';
import type { LogSummary } from '../src/logs/summary.js';
import { shareAttachments, type Attachments } from '../src/slack/attachments.js';
import type { SlackRun } from '../src/slack/command.js';

/** Posts `summary` in the caller's channel, with its chart in the thread when charts are on. */
export async function postSummary(att: Attachments | undefined, summary: LogSummary, ctx: SlackRun): Promise<void> {
  const msg = renderSummaryBlocks(summary);
  const chart = att?.charts && summary.series ? logsChart({ subject: summary.subject, ...summary.series }, ctx.deps.timezone) : undefined;
  if (!att || !chart) {
    await ctx.respond(msg, { inChannel: true });
    return;
  }
  let posted;
  try {
    posted = await ctx.chat.postMessage({ channel: ctx.who.channelId, text: msg.text, blocks: msg.blocks, purpose: 'the log summary' });
  } catch (err) {
    // Not a member of the channel, say: the summary still arrives, without a thread for the chart.
    ctx.log.warn({ err }, 'log summary not posted as the bot; answered through response_url');
    await ctx.respond(msg, { inChannel: true });
    return;
  }
  const problem = await shareAttachments(att, ctx.log, { channel: posted.channel, threadTs: posted.ts, purpose: 'the chart' }, { charts: [chart] });
  if (problem) await ctx.chat.postMessage({ channel: posted.channel, threadTs: posted.ts, text: `No chart this time: ${problem}`, purpose: 'the chart failure note' }).catch(() => undefined);
}
