import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Corpus-wide tests parse a few MB; give them room on a shared 2-core machine.
    testTimeout: 60_000,
    pool: 'forks',
  },
});
