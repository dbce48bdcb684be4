// Preloaded (--import) into a benchmarked child process: reports its peak RSS and CPU time on
// stderr when it exits, worker threads included (they share the process).
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const r = process.resourceUsage();
  writeSync(2, `\n@@bench ${JSON.stringify({ maxRssKb: r.maxRSS, cpuUs: r.userCPUTime + r.systemCPUTime })}\n`);
});
