import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Unhandled rejections are bugs in a bot that must not crash mid-incident.
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
