// `opsbot db connections --json` as a user runs it: a whole process (node bin/opsbot.js, the
// compiled CLI) against a real Postgres, median wall time of several runs beside `node -e 0` run
// the same way in alternation (the floor no Node program goes below on this machine). Then:
// does an opsbot run leave any process behind (an esbuild service, a worker)? Each run is
// spawned as the leader of its own session; after it exits, any live process still in that
// session was left by it. A control that deliberately leaves a `sleep` behind shows the check
// can see one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { benchDatabaseUrl } from './_db.js';
import { machineLoad, median, ROOT, sessionMembers } from './_proc.js';

const RUNS = 9;
const TARGET_MS = 350;

interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Live processes left in the run's session after it exited. */
  left: number[];
  /** User + system CPU of the process itself (robust to a busy machine, unlike wall time). */
  cpuMs: number;
}

// Both sides get the same tiny preload that reports the process's own CPU time at exit.
const REPORT = ['--import', pathToFileURL(path.join(ROOT, 'bench/_rss-report.js')).href];

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const t = performance.now();
  const child = spawn(process.execPath, [...REPORT, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  const ms = performance.now() - t;
  // A descendant that keeps the pipes open keeps 'close' from firing; look before waiting on it.
  await new Promise((r) => setTimeout(r, 200));
  const left = sessionMembers(child.pid!);
  const report = /@@bench (\{.*\})/.exec(stderr);
  const cpuMs = report ? (JSON.parse(report[1]!) as { cpuUs: number }).cpuUs / 1000 : NaN;
  return { ms, code, stdout, stderr, left, cpuMs };
}

export default async function bench(): Promise<void> {
  console.log(machineLoad());
  const dbUrl = await benchDatabaseUrl();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: dbUrl };
  const cli = ['bin/opsbot.js', 'db', 'connections', '--json'];
  // Warm the page cache for both, unmeasured.
  const warm = await run(cli, env);
  if (warm.code !== 0) throw new Error(`opsbot db connections failed (exit ${warm.code}):\n${warm.stderr}`);
  JSON.parse(warm.stdout);
  await run(['-e', '0'], env);

  const ours: Run[] = [];
  const floor: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      ours.push(await run(cli, env));
      floor.push(await run(['-e', '0'], env));
    } else {
      floor.push(await run(['-e', '0'], env));
      ours.push(await run(cli, env));
    }
  }
  const failed = ours.filter((r) => r.code !== 0);
  if (failed.length) throw new Error(`opsbot db connections failed ${failed.length} times:\n${failed[0]!.stderr}`);
  const m = median(ours.map((r) => r.ms));
  const f = median(floor.map((r) => r.ms));
  const cpu = (rs: Run[]) => median(rs.map((r) => r.cpuMs)).toFixed(0);
  const list = (rs: Run[]) => rs.map((r) => r.ms.toFixed(0)).join('/');
  console.log(`median of ${RUNS} alternating runs, spawn → exit (CPU = the process's own user + system time):`);
  console.log(`  opsbot db connections --json  ${m.toFixed(0).padStart(5)} ms wall, ${cpu(ours).padStart(4)} ms CPU   (runs ${list(ours)})   target ≤ ${TARGET_MS} ms: ${m <= TARGET_MS ? 'met' : 'MISSED'}`);
  console.log(`  node -e 0                     ${f.toFixed(0).padStart(5)} ms wall, ${cpu(floor).padStart(4)} ms CPU   (runs ${list(floor)})`);
  console.log(`  opsbot's own share: ${(m - f).toFixed(0)} ms wall`);

  const left = [...ours, warm].flatMap((r) => r.left);
  console.log(`processes left running after ${ours.length + 1} opsbot runs: ${left.length}${left.length ? ` (pids ${left.join(', ')})` : ''}`);
  // The control: the same check on a process that does leave a child behind.
  const control = await run(['-e', `require('node:child_process').spawn('sleep', ['30'], { stdio: 'ignore' }).unref()`], env);
  console.log(`control (a node process that starts \`sleep 30\` and exits without waiting for it): ${control.left.length} left behind, so the check does see leftovers`);
  for (const pid of control.left) process.kill(pid, 'SIGKILL');
}
