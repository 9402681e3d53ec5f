import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@haven/source'] },
  ssr: { resolve: { conditions: ['@haven/source'] } },
  test: { name: 'cross-package', include: ['**/*.test.ts'], exclude: ['**/node_modules/**'] },
});
