import { defineConfig } from 'vitest/config';

// The real agent CLIs (opencode, Claude Code, Codex) against a scripted local model:
// slow, and they need the CLIs (~1.1 GB) installed into the agent cache on first run.
// `npm run test:agents`; the default suite leaves test/agents/ out.
for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) process.env[name] = '';

export default defineConfig({
  test: {
    include: ['test/agents/**/*.test.ts'],
    testTimeout: 240_000,
    // A first run installs each CLI from the npm registry.
    hookTimeout: 15 * 60_000,
    pool: 'forks',
    // One agent at a time: they are heavy, and the time-limit tests want the CPU they plan for.
    fileParallelism: false,
  },
});
