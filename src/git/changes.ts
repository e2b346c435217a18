// What else the agent changed in the checkout, for a warning: publishPlan commits only the plan
// files, so anything listed here stays behind on the runner. The only function in src/git that
// walks the work tree.

import { GitRepo } from './repo.js';
import { validatePlanPath } from './validate.js';

/**
 * Paths (relative to the repository root) that are modified, added, deleted or untracked,
 * other than `planPaths`, sorted. Ignored files are not listed.
 */
export async function listOtherChanges(workdir: string, planPaths: readonly string[]): Promise<string[]> {
  const plan = new Set(planPaths.map(validatePlanPath));
  const repo = GitRepo.open(workdir);
  // --no-optional-locks: a plain `git status` may rewrite .git/index to refresh stat data; the
  // user's index must stay byte-for-byte as it was. --no-renames: each side of a rename is its
  // own entry, so every record is exactly one path.
  const out = await repo.run(['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const paths = new Set<string>();
  for (const record of out.split('\0')) {
    // "XY <path>": two status letters and a space.
    const path = record.slice(3);
    if (record.length > 3 && !plan.has(path)) paths.add(path);
  }
  return [...paths].sort();
}
