import { defineConfig } from 'vitest/config';

// One run covers every workspace project. Each project's own vitest.config.ts
// resolves @haven/* to src/ through the "@haven/source" export condition, so
// tests never need a build first.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/*/vitest.config.ts', 'test/vitest.config.ts'],
  },
});
