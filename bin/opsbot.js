#!/usr/bin/env node
// The `opsbot` command: loads the TypeScript sources through tsx (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
