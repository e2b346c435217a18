// One file as a branch on origin holds it now: the reviewed tasks.md the loop is started with.
// Fetched into the branch's remote-tracking ref; the checkout's branches, index and work tree
// are left alone.
import type { GitAuth } from './auth.js';
import { assertTokenCannotBeRedirected } from './config-guard.js';
import { GitCommandError } from './errors.js';
import { REMOTE, trackingRef } from './remote.js';
import { GitRepo } from './repo.js';
import { validateBranchName, validatePlanPath } from './validate.js';

export async function readBranchFile(
  workdir: string,
  branch: string,
  path: string,
  auth: { token?: string; serverUrl?: string },
): Promise<string | null> {
  validateBranchName(branch);
  validatePlanPath(path);
  const gitAuth: GitAuth | undefined = auth.token ? { token: auth.token, serverUrl: auth.serverUrl } : undefined;
  const repo = GitRepo.open(workdir, { auth: gitAuth });
  if (gitAuth) await assertTokenCannotBeRedirected(repo);
  const shallow = (await repo.text(['rev-parse', '--is-shallow-repository'])) === 'true';
  try {
    await repo.run(
      [
        'fetch',
        '--no-tags',
        '--no-recurse-submodules',
        ...(shallow ? ['--depth=1'] : []),
        REMOTE,
        `+refs/heads/${branch}:${trackingRef(branch)}`,
      ],
      {
        network: true,
      },
    );
    return await repo.run(['cat-file', 'blob', `${trackingRef(branch)}:${path}`]);
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
}
