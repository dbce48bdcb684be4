// `opsbot local …`: the entry point bin/opsbot.js runs for the local workspace's commands, so the
// production CLI (src/app/cli/) never loads src/local. Like src/main.ts it reads the
// environment (and ./.env) and writes to the terminal.
import { existsSync } from 'node:fs';
import { systemClock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { runLocalCli } from './cli.js';

export async function runLocalCliMain(argv: string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return await runLocalCli(argv, {
      env: process.env,
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
      fetch: globalThis.fetch,
      clock: systemClock,
    });
  } catch (err) {
    process.stderr.write(`opsbot local: ${errorMessage(err)}\n`);
    return 1;
  }
}
