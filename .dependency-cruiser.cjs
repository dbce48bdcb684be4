// Floors point down (npm run lint): the core (src/) never imports the Slack listeners (handlers/)
// or the runbook procedures (playbooks/); folders do not import each other in circles; only the
// composition root (src/app/) wires them together.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-handlers-or-playbooks',
      severity: 'error',
      comment: 'src/ is the core: handlers/ and playbooks/ build on it, never the other way (except the composition root, src/app/).',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: '^(handlers|playbooks)/' },
    },
    {
      name: 'only-the-entry-points-load-the-local-workspace',
      severity: 'error',
      comment:
        'src/local/ (the local workspace) is loaded only by src/main.ts (and bin/opsbot.js for `opsbot local`), dynamically and only in local mode, so a production process never contains it; the bot itself has no local-mode code.',
      from: { path: '^(src|handlers|playbooks)/', pathNot: '^(src/local/|src/main\\.ts$)' },
      to: { path: '^src/local/' },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      comment: 'Modules must not import each other in a circle.',
      from: { path: '^(src|handlers|playbooks)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      scope: 'folder',
      comment: 'Folders must not import each other in a circle: a lower floor never imports a higher one.',
      from: { path: '^(src|handlers|playbooks)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
