// The bad-input corpus (test/corpus/**): every case is a data file naming an input — issue text,
// an event, a research server reply, an agent's output, a GitHub fault — and the outcome it must
// end with. Each runs through the real pipeline (runAction with the production client against
// the fake GitHub, the Wild server fake, real git and the scripted agent; `runner: dist` cases as
// node dist/index.js), and every case is held to the same invariants besides its own
// expectations: nothing half-done on origin, no duplicate or "working" comment, no fake-GitHub
// violation, nothing posted over 65,536 characters, no ping, no token anywhere.
//
// Cases share nothing (own fakes, own origin) and run concurrently.
import { describe, expect, it } from 'vitest';
import { checkCase, loadCorpus, runCase } from '../corpus/corpus.js';

const cases = loadCorpus();

describe('the corpus', () => {
  it('has at least 40 cases, each with its expected status', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const areas = new Set(cases.map((c) => c.file.split('/')[0]));
    expect([...areas].sort()).toEqual(['agent', 'event', 'github', 'issue', 'server']);
  });
});

describe.concurrent('bad input, through the real pipeline', () => {
  for (const c of cases) {
    it(
      `${c.file}: ${c.about} → ${c.expect.status}`,
      async () => {
        const run = await runCase(c);
        try {
          const checks = await checkCase(c, run);
          const failed = checks.filter((x) => !x.ok).map((x) => `${x.name}${x.detail ? `: ${x.detail}` : ''}`);
          expect(failed).toEqual([]);
        } finally {
          await run.scenario.dispose();
        }
      },
      c.runner === 'dist' ? 90_000 : 60_000,
    );
  }
});
