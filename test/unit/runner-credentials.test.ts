import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redactSecrets, secretRedactor } from '../../src/security/redact.js';
import { isCredentialName, runnerCredentials } from '../../src/security/runner-secrets.js';

const value = (name: string) => `value-of-${name.toLowerCase()}-Zq81x`;

describe('runnerCredentials', () => {
  it.each([
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'INPUT_SERVER-TOKEN',
    'INPUT_GITHUB-TOKEN',
    'GITHUB_TOKEN',
    'MY_SERVICE_TOKEN',
    'MY_SERVICE_API_KEY',
    'OPENAI_APIKEY',
    'DB_PASSWORD',
    'AWS_SECRET_ACCESS_KEY',
    'CLIENT_SECRET',
    'GH_PAT',
    'INPUT_PAT',
    'DOCKER_CREDENTIALS',
    'SSH_PASSPHRASE',
    'npm_config__authToken_TOKEN',
    'SECRET',
    'TOKEN_FOR_DEPLOY',
    'input_server-token',
  ])('takes %s', (name) => {
    expect(isCredentialName(name)).toBe(true);
    expect(runnerCredentials({ [name]: value(name) })).toEqual([value(name)]);
  });

  it.each([
    'PATH',
    'HOME',
    'PWD',
    'GITHUB_SHA',
    'GITHUB_RUN_ID',
    'INPUT_SERVER-URL',
    'INPUT_AGENT-COMMAND',
    'INPUT_AGENT-ENV',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_RUNTIME_URL',
    'ACTIONS_CACHE_URL',
    'SSH_KEY_PATH',
    'DEPLOY_KEY_FILE',
    'GPG_KEY_DIR',
    'TOKEN_ENDPOINT',
    'AWS_ACCESS_KEY_ID',
    'KEYBOARD_LAYOUT',
    'PATCH_LEVEL',
    'MONKEY_BUSINESS',
    'TOKENIZER_MODEL',
  ])('leaves %s', (name) => {
    expect(isCredentialName(name)).toBe(false);
    expect(runnerCredentials({ [name]: value(name) })).toEqual([]);
  });

  it('leaves values that are obviously not secrets, even under a credential name', () => {
    const here = fileURLToPath(import.meta.url);
    const env = {
      'INPUT_TOKEN-USAGE': 'true',
      'INPUT_DRY-RUN': 'false',
      SECRET_SCANNING: 'disabled',
      MY_TOKEN_FLAG: 'undefined',
      SHORT_TOKEN: 'abc1234',
      PADDED_TOKEN: '   abc1234\n',
      EMPTY_TOKEN: '',
      BLANK_TOKEN: '          ',
      UNSET_TOKEN: undefined,
      TOKEN_TTL: '3600',
      RETRY_KEY: '1234567890',
      RATIO_SECRET: '-12.5e3',
      ISSUER_TOKEN: 'https://token.actions.githubusercontent.com',
      GOOGLE_APPLICATION_CREDENTIALS: here,
    };
    expect(runnerCredentials(env)).toEqual([]);
  });

  it('takes a path-looking value that names nothing on this machine (base64 may start with /)', () => {
    expect(runnerCredentials({ MY_SECRET: '/q8Zr+Yx3/Lm0aPq==' })).toEqual(['/q8Zr+Yx3/Lm0aPq==']);
  });

  it('trims, and deduplicates across variables', () => {
    const token = 'ghs_0123456789abcdefABCDEF0123456789abcd';
    const env = { 'INPUT_GITHUB-TOKEN': token, GITHUB_TOKEN: `${token}\n`, GH_TOKEN: `  ${token}  `, OTHER_SECRET: 's3cr3t-value' };
    expect(runnerCredentials(env)).toEqual([token, 's3cr3t-value']);
  });

  it('takes each long line of a multi-line key as well as the whole, not the armour', () => {
    const body = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu'];
    const pem = ['-----BEGIN PRIVATE KEY-----', ...body, 'short', '-----END PRIVATE KEY-----', ''].join('\n');
    const found = runnerCredentials({ SSH_PRIVATE_KEY: pem });
    expect(found).toEqual([pem.trim(), ...body]);
    expect(redactSecrets(`the key starts ${body[1]} and ends`, found)).toBe('the key starts [REDACTED:secret] and ends');
  });

  it('takes the password of a URL in any variable, not the URL', () => {
    const env = {
      HTTPS_PROXY: 'http://builder:pr0xy-Passw0rd@proxy.internal:3128',
      DATABASE_URL: 'postgres://app:p%40ss-w0rd-9f@db.internal/app',
      DATABASE_TOKEN_URL: 'https://auth.internal/token',
      WEAK_URL: 'https://user:short@host',
    };
    expect(runnerCredentials(env)).toEqual(['pr0xy-Passw0rd', 'p%40ss-w0rd-9f', 'p@ss-w0rd-9f']);
  });

  it('what it takes is redacted from plan text, which otherwise stays whole', () => {
    const runtime = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9-not-really-a-jwt-Qx7';
    const env = {
      ACTIONS_RUNTIME_TOKEN: runtime,
      MY_SERVICE_TOKEN: 'svc-0f3a9c1e77d24b6b',
      'INPUT_TOKEN-USAGE': 'true',
      'INPUT_DRY-RUN': 'false',
      GITHUB_RUN_ID: '1234567890',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/abc/idtoken',
    };
    const redact = secretRedactor(runnerCredentials(env));
    const plan = [
      '- [ ] [P1-T1] Check that dry-run is false and token usage is true for run 1234567890 | deliverable: a.md | done-when: true',
      `- [ ] [P1-T2] Call the service with svc-0f3a9c1e77d24b6b and ${runtime} | deliverable: b.md | done-when: done`,
      `- [ ] [P1-T3] Base64 of it: ${Buffer.from(`svc:svc-0f3a9c1e77d24b6b`).toString('base64')}`,
    ].join('\n');
    const out = redact(plan);
    expect(out.split('\n')[0]).toBe(plan.split('\n')[0]);
    expect(out).not.toContain('svc-0f3a9c1e77d24b6b');
    expect(out).not.toContain(runtime);
    expect(out).not.toContain(Buffer.from(`svc:svc-0f3a9c1e77d24b6b`).toString('base64'));
    expect(out).toContain('Call the service with [REDACTED:secret] and [REDACTED:secret] |');
  });
});

describe('secretRedactor', () => {
  it('gives what redactSecrets gives, and is reusable (no state between texts)', () => {
    const secrets = ['hunter2-hunter2', 'sk-live-0123456789abcdef'];
    const redact = secretRedactor(secrets);
    const texts = [
      'a hunter2-hunter2 b',
      'nothing here',
      `${Buffer.from('hunter2-hunter2').toString('base64')} and ghs_${'A1b2C3d4e5'.repeat(4)}`,
      'hunter2-hunter2',
    ];
    for (const text of [...texts, ...texts]) expect(redact(text)).toBe(redactSecrets(text, secrets));
    expect(secretRedactor([])('plain ghs_' + 'A1b2C3d4e5'.repeat(4))).toBe('plain [REDACTED:github-token]');
  });

  it('redacts a secret as JSON writes it, keeping the JSON valid', () => {
    const secret = 'pa"ss\\word\nline-two';
    const json = JSON.stringify({ plan: `use ${secret} here` });
    const out = redactSecrets(json, [secret]);
    expect(JSON.parse(out)).toEqual({ plan: 'use [REDACTED:secret] here' });
  });
});
