// Publishing cost on a repository of 50,000 files against one of 10: only the plan files
// are touched, so the ratio should stay near 1 (target ≤ 1.5×).
import { publishPlan } from '../src/git/publish.js';
import { GitFixture } from '../test/support/git-fixture.js';
import { sideBySide, timeMs } from './stats.js';

/** A repository of `count` small Python files, 500 to a package. */
export function files(count: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`src/pkg${Math.floor(i / 500)}/mod${i}.py`] = `VALUE = ${i}\n`;
  return out;
}

export async function benchRepoSize(runs = 5, large = 50_000) {
  const big = await GitFixture.create({ files: files(large) });
  const small = await GitFixture.create({ files: files(10) });
  let round = 0;
  const publish = (fixture: GitFixture) => () =>
    timeMs(() =>
      publishPlan({
        workdir: fixture.work,
        branch: 'wild-plan/issue-1',
        files: [
          { path: '.wild/plans/issue-1/tasks.md', content: `## Phase 1 - Round ${round++}\n` },
          { path: '.wild/plans/issue-1/prompt_skill_playbook.md', content: '# Playbook\n' },
        ],
        message: 'Plan for #1',
      }),
    );
  try {
    return await sideBySide(runs, publish(big), publish(small));
  } finally {
    await big.dispose();
    await small.dispose();
  }
}
