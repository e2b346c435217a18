import { it } from 'vitest';
import { ActionScenario } from '../support/action-harness.js';
it('dist', async () => {
  const s = await ActionScenario.create();
  try {
    const t = Date.now();
    const r = await s.runDist();
    console.log('ms', Date.now() - t, r.code);
    console.log(r.stdout);
    console.log('STDERR', r.stderr);
    console.log(r.outputs);
    console.log(r.summary);
    console.log(s.fake.violations);
  } finally {
    await s.dispose();
  }
}, 60_000);
