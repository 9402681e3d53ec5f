import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@haven/source'] },
  ssr: { resolve: { conditions: ['@haven/source'] } },
  test: { name: 'example-refugee-age-check', include: ['src/**/*.test.ts'] },
});
