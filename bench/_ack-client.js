// Load generator for bench/ack, in its own thread so the client's event loop does not share
// time with the server being measured (as Slack's would not). Plain JavaScript: worker threads
// do not get the tsx loader.
import crypto from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const job = workerData;

async function send() {
  const body = new URLSearchParams({
    command: '/health',
    text: '',
    user_id: 'U0BENCH',
    channel_id: 'C0BENCH',
    team_id: 'T0BENCH',
    response_url: 'https://hooks.slack.bench/commands/1',
    trigger_id: '1.2.3',
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + crypto.createHmac('sha256', job.secret).update(`v0:${ts}:${body}`).digest('hex');
  const started = performance.now();
  const res = await fetch(job.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
    body,
  });
  const ms = performance.now() - started;
  await res.text();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return ms;
}

await Promise.all(Array.from({ length: job.warmup }, send));
const all = [];
for (let r = 0; r < job.rounds; r++) {
  all.push(...(await Promise.all(Array.from({ length: job.concurrency }, send))));
  await new Promise((res) => setTimeout(res, 300));
}
parentPort?.postMessage(all);
