// The baseline of bench/ack and bench/coldstart: a bare Bolt app in its own process, HTTP mode,
// the same signing secret and Slack API stand-in as the bot, answering /health with ack() alone
// and GET /healthz with 200. Plain JavaScript so that it starts as plainly as Bolt allows.
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  logLevel: LogLevel.ERROR,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok') }],
});
const app = new App({
  token: 'xoxb-bench-token-0123456789',
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command('/health', async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.PORT));
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
