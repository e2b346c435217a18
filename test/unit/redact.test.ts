import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicCredential } from '../../src/git/auth.js';
import { redactSecrets } from '../../src/security/redact.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URLSAFE = `${BASE62}_-`;

const chars = (alphabet: string, min: number, max: number) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
// A digit and a letter, like every real key: the `sk-` rules ask for both.
const keyBody = (alphabet: string, min: number, max: number) => chars(alphabet, min, max).map((s) => `${s}a1`);

/** One generator per kind, written from the providers' documented formats. */
const TOKENS: Record<string, fc.Arbitrary<string>> = {
  'github-token': fc.tuple(fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), chars(BASE62, 36, 60)).map(([p, b]) => p + b),
  'github-pat': fc.tuple(chars(BASE62, 22, 30), chars(BASE62, 59, 70)).map(([a, b]) => `github_pat_${a}_${b}`),
  'openai-key': fc.tuple(fc.constantFrom('sk-', 'sk-proj-', 'sk-svcacct-', 'sk-admin-'), keyBody(URLSAFE, 18, 60)).map(([p, b]) => p + b),
  'anthropic-key': keyBody(URLSAFE, 18, 100).map((b) => `sk-ant-api03-${b}`),
  'aws-access-key-id': fc.tuple(fc.constantFrom('AKIA', 'ASIA'), chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16, 16)).map(([p, b]) => p + b),
  jwt: fc.tuple(chars(URLSAFE, 2, 40), chars(URLSAFE, 2, 80), chars(URLSAFE, 0, 60)).map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`),
  'slack-token': fc.tuple(fc.constantFrom('xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-'), chars(`${BASE62}-`, 10, 60)).map(([p, b]) => p + b),
};
const anyToken = fc.oneof(...Object.values(TOKENS));
// What may sit right before or after a token in a log line, a .env file, JSON, a URL.
const separator = fc.constantFrom(' ', '\n', '\t', '"', "'", '=', ':', '(', ')', ',', '`', '/', '@', '<', '>');
const prose = fc.lorem({ maxCount: 12 });
/** A secret that cannot occur inside a marker; random like a real token. */
const secret = chars(`${BASE62}._~+/`, 8, 64).filter((s) => s.trim().length >= 8);

const sample = {
  'github-token': `ghs_${'A1b2C3d4e5'.repeat(4)}`,
  'github-pat': `github_pat_11ABCDEFG0123456789abc_${'xY9'.repeat(20)}`,
  'openai-key': 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z',
  'anthropic-key': 'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1GfEdCbA-AA',
  'aws-access-key-id': 'AKIAIOSFODNN7EXAMPLE',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  'slack-token': 'xoxb-1234567890-0987654321-AbCdEfGhIjKl',
} as const;

/** Whether any base64 run in `text`, read from any of its four alignments, decodes to hold `secret`. */
function decodesToContain(text: string, value: string): boolean {
  for (const run of text.match(/[A-Za-z0-9+/_-]{4,}/g) ?? []) {
    for (let start = 0; start < 4; start++) {
      if (Buffer.from(run.slice(start), 'base64').toString('latin1').includes(value)) return true;
      if (Buffer.from(run.slice(start), 'base64url').toString('latin1').includes(value)) return true;
    }
  }
  return false;
}

describe('redactSecrets: token shapes', () => {
  it.each(Object.entries(sample))('replaces a %s with its marker', (kind, token) => {
    expect(redactSecrets(`value: ${token}\n`, [])).toBe(`value: [REDACTED:${kind}]\n`);
  });

  it('leaves no generated token of any kind, whatever surrounds it', () => {
    fc.assert(
      fc.property(prose, separator, anyToken, separator, prose, (before, s1, token, s2, after) => {
        const out = redactSecrets(`${before}${s1}${token}${s2}${after}`, []);
        expect(out).not.toContain(token);
        expect(out).toContain('[REDACTED:');
      }),
      { numRuns: 500 },
    );
  });

  it('does not take words that end in "sk" for keys', () => {
    const text = 'a risk-adjusted-performance-evaluation-framework, the task-scheduler-configuration-file, a desk-sk-learn';
    expect(redactSecrets(text, [])).toBe(text);
  });

  it('reads a twenty-first AWS character as a longer word, not a key id', () => {
    expect(redactSecrets('AKIAIOSFODNN7EXAMPLEX', [])).toBe('AKIAIOSFODNN7EXAMPLEX');
  });
});

describe('redactSecrets: known secrets', () => {
  const token = 'wild_S3rverT0ken-value.01';

  it('replaces the secret, the git header credential and plain base64 of it', () => {
    const header = `AUTHORIZATION: basic ${basicCredential(token)}`;
    const out = redactSecrets(`${token}\n${header}\n${Buffer.from(token).toString('base64')}`, [token]);
    expect(out).toBe('[REDACTED:secret]\nAUTHORIZATION: basic [REDACTED:secret]\n[REDACTED:secret]');
  });

  it('finds the secret inside any base64 blob, at every byte offset', () => {
    fc.assert(
      fc.property(secret, fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.boolean(), (value, pre, post, url) => {
        const blob = Buffer.concat([Buffer.from(pre), Buffer.from(value), Buffer.from(post)]).toString(url ? 'base64url' : 'base64');
        const out = redactSecrets(`config: ${blob}\n`, [value]);
        expect(decodesToContain(out, value)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no sentinel in arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), secret, fc.string({ maxLength: 60 }), secret, (a, s1, b, s2) => {
        const out = redactSecrets(`${a}${s1}${b}${s2}${a}`, [s1, s2]);
        expect(out).not.toContain(s1);
        expect(out).not.toContain(s2);
      }),
      { numRuns: 500 },
    );
  });

  it('does not let a marker-shaped wrapper carry a secret or a token out', () => {
    const hex = '0123456789abcdef0123456789abcdef';
    const out = redactSecrets(`[REDACTED:${hex}] [REDACTED:${sample['github-token']}]`, [hex]);
    expect(out).toBe('[REDACTED:[REDACTED:secret]] [REDACTED:[REDACTED:github-token]]');
  });

  it('ignores empty and very short secrets rather than cut letters out of prose', () => {
    expect(redactSecrets('a plan to test the idea', ['', '   ', 'a', 'the'])).toBe('a plan to test the idea');
  });
});

describe('redactSecrets: ordinary text', () => {
  const fixtures = readdirSync(root('test/fixtures/plans')).map((name) => `test/fixtures/plans/${name}`);
  const files = [...fixtures, 'prompts/wild_v2_planning.md', 'README.md', 'src/security/redact.ts', 'src/agent/process.ts'];

  it.each(files)('leaves %s unchanged', (file) => {
    const text = readFileSync(root(file), 'utf8');
    expect(redactSecrets(text, ['an-unrelated-secret-0123'])).toBe(text);
  });

  it('leaves prose unchanged', () => {
    fc.assert(
      fc.property(fc.lorem({ maxCount: 200, mode: 'sentences' }), (text) => {
        expect(redactSecrets(text, [])).toBe(text);
      }),
    );
  });
});

describe('redactSecrets: idempotent', () => {
  const mixed = fc
    .array(fc.oneof(prose, separator, anyToken, fc.string({ maxLength: 20 }), fc.constant('[REDACTED:jwt]')), { maxLength: 12 })
    .map((parts) => parts.join(''));

  it('redacting twice is redacting once', () => {
    fc.assert(
      fc.property(mixed, fc.array(secret, { maxLength: 2 }), (text, secrets) => {
        const withSecrets = `${text}${secrets.join(' ')}${text}`;
        const once = redactSecrets(withSecrets, secrets);
        expect(redactSecrets(once, secrets)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('redactSecrets: adversarial input', () => {
  // A pattern that backtracks over the rest of the text at each candidate would take hours
  // on these 5 MB inputs; a linear scan takes well under a second each. The scan runs in a
  // worker because a regex cannot be interrupted: on this thread a runaway scan would freeze
  // the test process, in a worker it fails on the suite's test timeout.
  const MB5 = 5 * 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB5 / unit.length)).slice(0, MB5);
  const inputs: Record<string, string> = {
    'repeated sk- prefixes': fill('sk-'),
    'one endless GitHub token body': `ghp_${fill('a')}`,
    'repeated JWT heads without dots': fill('eyJ'),
    'JWT-like segments': fill('eyJab.'),
    'fine-grained PAT halves': fill('github_pat_aaaaaaaaaaaaaaaaaaaaaaaa_b'),
    'AWS prefixes': fill('AKIAAKIA'),
    'Slack prefixes': fill('xoxb-'),
    'marker-like openings': fill('[REDACTED:'),
    'near-misses of a known secret': fill('a'),
  };
  let worker: Worker;
  beforeAll(() => {
    worker = new Worker(root('test/support/redact-worker.mjs'), { workerData: { module: root('src/security/redact.ts') } });
  });
  afterAll(() => worker.terminate());
  function redactInWorker(text: string, secrets: string[]): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const done = (out: string) => {
        worker.off('error', reject);
        resolve(out);
      };
      worker.once('message', done);
      worker.once('error', reject);
      worker.postMessage({ text, secrets });
    });
  }

  it.each(Object.entries(inputs))('scans %s', async (_name, text) => {
    const known = `${'a'.repeat(30)}b`;
    const out = await redactInWorker(`${text}${known}`, [known]);
    expect(out.endsWith('[REDACTED:secret]')).toBe(true);
    expect(out.includes('[REDACTED:github-token]')).toBe(text.startsWith('ghp_'));
  });
});
