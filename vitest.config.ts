import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The CLI's logs are JSON lines when stderr is not a terminal (as in a test's child process): the suite reads
    // the text format unless a test asks for JSON (or removes this to see the default).
    env: { TSCM_LOG_FORMAT: 'text' },
  },
});
