import { configDefaults, defineConfig } from 'vitest/config';

// @actions/github builds its own proxy dispatcher at import when a proxy variable is set;
// blank them so the loopback fakes see the traffic.
for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) process.env[name] = '';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real agent CLIs (~1 GB) run in their own suite: npm run test:agents.
    exclude: [...configDefaults.exclude, 'test/agents/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
