import { describe, expect, it } from 'vitest';
import type { PreflightReport } from '../../src/server/preflight.js';
import { formatPreflightTable, preflightFailureReasons } from '../../src/server/preflight-report.js';

const report: PreflightReport = {
  ok: false,
  serverUrl: 'http://127.0.0.1:8787',
  checks: [
    { name: 'docs', path: '/docs', ok: true, status: 200, ms: 12, attempts: 1 },
    {
      name: 'openapi',
      path: '/openapi.json',
      ok: false,
      status: 200,
      ms: 9,
      attempts: 1,
      reason: 'JSON of the wrong shape: paths missing',
    },
    {
      name: 'prompt-skills',
      path: '/prompt-skills',
      ok: false,
      status: null,
      ms: 30001,
      attempts: 3,
      reason: 'no answer within 10 s (3 attempts)',
    },
    { name: 'system-health', path: '/wild/v2/system-health', ok: false, status: 503, ms: 40, attempts: 3, reason: 'a | b\nc' },
  ],
};

describe('formatPreflightTable', () => {
  it('renders one markdown row per check, in order', () => {
    expect(formatPreflightTable(report)).toBe(
      [
        '| check | path | result | status | ms | attempts | reason |',
        '|---|---|---|---|---:|---:|---|',
        '| docs | `/docs` | ✅ | 200 | 12 | 1 |  |',
        '| openapi | `/openapi.json` | ❌ | 200 | 9 | 1 | JSON of the wrong shape: paths missing |',
        '| prompt-skills | `/prompt-skills` | ❌ | — | 30001 | 3 | no answer within 10 s (3 attempts) |',
        '| system-health | `/wild/v2/system-health` | ❌ | 503 | 40 | 3 | a \\| b c |',
      ].join('\n'),
    );
  });
});

describe('preflightFailureReasons', () => {
  it('lists the failed checks only, each naming its path, one line each', () => {
    expect(preflightFailureReasons(report)).toEqual([
      'openapi (/openapi.json): JSON of the wrong shape: paths missing',
      'prompt-skills (/prompt-skills): no answer within 10 s (3 attempts)',
      'system-health (/wild/v2/system-health): a | b c',
    ]);
    expect(preflightFailureReasons({ ...report, ok: true, checks: report.checks.slice(0, 1) })).toEqual([]);
  });
});
