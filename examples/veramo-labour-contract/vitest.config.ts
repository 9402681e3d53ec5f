import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@haven/source'] },
  ssr: { resolve: { conditions: ['@haven/source'] } },
  test: { name: 'example-veramo-labour-contract', include: ['src/**/*.test.ts'] },
});
