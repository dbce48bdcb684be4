import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-setup.ts', 'test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The summary reporter prints the plain closing line last ("N passed, N failed, N skipped
    // (why)") and writes it to .tmp/test-summary.txt, which .ci/run repeats. (Reporters run
    // concurrently, so no other reporter may print after the summary.)
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Unhandled rejections are bugs in a bot that must not crash mid-incident.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
