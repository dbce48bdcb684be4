// Load generator for bench/ack, in its own thread so the client's event loop does not share
// time with the servers being measured (as Slack's would not). It waits for {url, count, tag}
// messages and answers each with the time-to-ack of `count` concurrent signed /health requests,
// so the bench can alternate the two servers round by round with one and the same client.
// Plain JavaScript: worker threads do not get the tsx loader.
import crypto from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

let seq = 0;

async function send(job) {
  const body = new URLSearchParams({
    command: '/health',
    text: '',
    user_id: 'U0BENCH',
    channel_id: 'C0BENCH',
    team_id: 'T0BENCH',
    response_url: `${workerData.responseBase}/${job.tag}/${++seq}`,
    trigger_id: `1.2.${seq}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + crypto.createHmac('sha256', workerData.secret).update(`v0:${ts}:${body}`).digest('hex');
  const started = performance.now();
  const res = await fetch(job.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
    body,
  });
  const ms = performance.now() - started;
  await res.text();
  if (res.status !== 200) throw new Error(`${job.tag}: status ${res.status}`);
  return ms;
}

parentPort.on('message', (job) => {
  Promise.all(Array.from({ length: job.count }, () => send(job))).then(
    (times) => parentPort.postMessage({ times }),
    (err) => parentPort.postMessage({ error: String(err) }),
  );
});
