#!/usr/bin/env node
// The installed `haven` command runs the built CLI. In this repository, `pnpm haven` runs the sources
// directly (see the root package.json), so no build step is needed there.
await import('../dist/bin.js');
