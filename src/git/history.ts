// Who else committed to the plan branch. Reported so the PR comment can say their work was kept.

import { latestRevision } from '../plan/revisions.js';
import { GitCommandError } from './errors.js';
import type { PreviousRevision } from './publish.js';
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

/**
 * The revision the plan branch's head holds and its tasks file. The number is the highest
 * `Wild-Plan-Revision` trailer on the branch; a branch from before revisions were numbered
 * counts its plan commits (those by `botEmail`) instead.
 */
export async function previousRevision(
  repo: GitRepo,
  tip: string,
  base: string,
  botEmail: string,
  tasksPath: string,
): Promise<PreviousRevision> {
  // %x00 between records: a message may hold any other character.
  const out = await repo.run(['rev-list', '--format=%ae%x01%B%x00', tip, '--not', base, '--']);
  const messages: string[] = [];
  let bot = 0;
  for (const record of out.split('\0')) {
    const body = record.replace(/^\s*commit [0-9a-f]+\n/, '');
    const at = body.indexOf('\x01');
    if (at === -1) continue;
    if (body.slice(0, at).toLowerCase() === botEmail.toLowerCase()) bot += 1;
    messages.push(body.slice(at + 1));
  }
  const revision = latestRevision(messages) || bot;
  const tasks = await repo.run(['cat-file', 'blob', `${tip}:${tasksPath}`]).catch((error: unknown) => {
    if (error instanceof GitCommandError) return null;
    throw error;
  });
  return { revision, tasks };
}
