#!/usr/bin/env node
// The `opsbot` command: runs the compiled CLI in dist/ (built by `npm ci` through the prepare
// script, or `npm run build`).
// `opsbot local …` (the local workspace) has its own entry, so the production CLI never loads it.
import module from 'node:module';

// V8's compiled code of the modules, kept in Node's compile cache (the system temp directory, or
// NODE_COMPILE_CACHE), as the bot does: a CLI run then compiles only what changed since the last.
module.enableCompileCache?.();

const args = process.argv.slice(2);
const local = args[0] === 'local';
const main = new URL(local ? '../dist/src/local/cli-main.js' : '../dist/src/app/cli/main.js', import.meta.url);
let runCli;
try {
  const mod = await import(main.href);
  runCli = local ? (argv) => mod.runLocalCliMain(argv.slice(1)) : mod.runCli;
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist')) throw err;
  process.stderr.write('opsbot is not built yet: run `npm ci` (or `npm run build`) in the project folder first.\n');
  process.exit(3);
}
process.exitCode = await runCli(args);
