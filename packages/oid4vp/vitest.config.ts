import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@haven/source'] },
  ssr: { resolve: { conditions: ['@haven/source'] } },
  test: { name: 'oid4vp', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
