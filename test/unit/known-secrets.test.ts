import { describe, expect, it } from 'vitest';
import { knownSecrets } from '../../src/planning/secrets.js';
import { redactSecrets } from '../../src/security/redact.js';

describe('knownSecrets', () => {
  it('holds both tokens and the values agent-env forwards, not the short or unset ones', () => {
    const env = { PROVIDER_KEY: 'sk-live-0123456789abcdef', FLAG: 'true', EMPTY: '' };
    const secrets = knownSecrets(
      { serverToken: 'server-token-value', githubToken: 'ghs_github', agentEnv: ['PROVIDER_KEY', 'FLAG', 'EMPTY', 'UNSET'] },
      env,
    );
    expect(secrets).toEqual(['server-token-value', 'ghs_github', 'sk-live-0123456789abcdef']);
    // A forwarded `true` must not cut every "true" out of a plan.
    expect(redactSecrets('it is true: sk-live-0123456789abcdef', secrets)).toBe('it is true: [REDACTED:secret]');
  });

  it('is empty when nothing is secret', () => {
    expect(knownSecrets({ serverToken: undefined, githubToken: undefined, agentEnv: [] }, {})).toEqual([]);
  });
});
