import { defineConfig } from 'vitest/config';

// The trust-boundary tests only: what the agent can reach, as whichever user runs them.
// `npm run test:isolation`; CI (scripts/ci-as-users.sh) runs it as root, as a user with
// passwordless sudo and as a plain user, since each takes a different isolation path.
// The same files are part of `npm test` too.

// @actions/github builds its own proxy dispatcher at import when a proxy variable is set;
// blank them so the loopback fakes see the traffic.
for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) process.env[name] = '';

export default defineConfig({
  test: {
    include: [
      'test/integration/isolation*.test.ts',
      'test/integration/safe-fs*.test.ts',
      'test/integration/sandbox*.test.ts',
      'test/integration/scratch*.test.ts',
      'test/e2e/trust-boundary*.test.ts',
      'test/e2e/runner-credentials.test.ts',
      'test/integration/action-security.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
