// Who else committed to the plan branch. Reported so the PR comment can say their work was kept.

import type { GitRepo } from './repo.js';

/**
 * Commits on `tip` that are not on `base` and were not authored by `botEmail`, newest first.
 * In a shallow checkout only the fetched part of the branch is visible.
 */
export async function foreignCommits(repo: GitRepo, tip: string, base: string, botEmail: string): Promise<string[]> {
  // rev-list, not log: log honours log.showSignature from the checkout's config and would run gpg.
  const out = await repo.run(['rev-list', '--format=%H%x09%ae', tip, '--not', base, '--']);
  const found: string[] = [];
  for (const line of out.split('\n')) {
    if (line === '' || line.startsWith('commit ')) continue;
    const [sha, email] = line.split('\t');
    if (sha && email?.toLowerCase() !== botEmail.toLowerCase()) found.push(sha);
  }
  return found;
}
