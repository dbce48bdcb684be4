#!/usr/bin/env node
// The `opsbot` command: runs the compiled CLI in dist/ (built by `npm ci` through the prepare
// script, or `npm run build`).
const main = new URL('../dist/src/app/cli/main.js', import.meta.url);
let runCli;
try {
  ({ runCli } = await import(main.href));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist')) throw err;
  process.stderr.write('opsbot is not built yet: run `npm ci` (or `npm run build`) in the project folder first.\n');
  process.exit(3);
}
process.exitCode = await runCli(process.argv.slice(2));
