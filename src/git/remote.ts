// What origin holds right now, and fetching just the two branches we build on.

import { PublishError } from './errors.js';
import type { GitRepo } from './repo.js';

export const REMOTE = 'origin';

export interface RemoteHeads {
  /** The base branch name (given, or origin's default branch). */
  baseBranch: string;
  /** The plan branch head on origin, null when the branch does not exist yet. */
  branchSha: string | null;
}

interface LsRemote {
  /** `HEAD` → `refs/heads/main` and the like. */
  symrefs: Map<string, string>;
  refs: Map<string, string>;
}

async function lsRemote(repo: GitRepo, patterns: string[]): Promise<LsRemote> {
  const out = await repo.run(['ls-remote', '--symref', REMOTE, ...patterns], { network: true });
  const symrefs = new Map<string, string>();
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [left, name] = line.split('\t');
    if (left === undefined || name === undefined) continue;
    if (left.startsWith('ref: ')) symrefs.set(name, left.slice('ref: '.length));
    else refs.set(name, left);
  }
  return { symrefs, refs };
}

/**
 * One round trip to origin: does the plan branch exist, and (when no base was given) which
 * branch is the default. Asking origin beats trusting refs/remotes/origin/HEAD, which
 * actions/checkout does not set; that local ref is only the fallback.
 */
export async function readRemoteHeads(repo: GitRepo, branch: string, baseBranch: string | undefined): Promise<RemoteHeads> {
  const branchRef = `refs/heads/${branch}`;
  const listing = await lsRemote(repo, baseBranch ? [branchRef] : ['HEAD', branchRef]);
  const branchSha = listing.refs.get(branchRef) ?? null;
  if (baseBranch) return { baseBranch, branchSha };

  const head = listing.symrefs.get('HEAD') ?? (await localOriginHead(repo));
  if (!head?.startsWith('refs/heads/')) {
    throw new PublishError(
      'no-base-branch',
      `Cannot tell the default branch of ${REMOTE} (it advertises no HEAD); set the base branch explicitly.`,
    );
  }
  return { baseBranch: head.slice('refs/heads/'.length), branchSha };
}

async function localOriginHead(repo: GitRepo): Promise<string | null> {
  try {
    const target = await repo.text(['symbolic-ref', `refs/remotes/${REMOTE}/HEAD`]);
    return target.startsWith(`refs/remotes/${REMOTE}/`) ? `refs/heads/${target.slice(`refs/remotes/${REMOTE}/`.length)}` : null;
  } catch {
    return null;
  }
}

export function trackingRef(branch: string): string {
  return `refs/remotes/${REMOTE}/${branch}`;
}

/**
 * Fetches the base branch and (when it exists) the plan branch into their remote-tracking refs
 * and returns their heads. Never touches local branches, HEAD, the index or the work tree.
 */
export async function fetchHeads(
  repo: GitRepo,
  baseBranch: string,
  branch: string | null,
): Promise<{ baseSha: string; branchSha: string | null }> {
  const refspecs = [baseBranch, ...(branch ? [branch] : [])].map((name) => `+refs/heads/${name}:${trackingRef(name)}`);
  // In a shallow checkout (actions/checkout's default) a plain fetch of a branch that forked
  // from an older base commit pulls that commit's entire history; depth 1 is all we build on.
  // A full clone stays full: --depth would make it shallow.
  const shallow = (await repo.text(['rev-parse', '--is-shallow-repository'])) === 'true';
  await repo.run(['fetch', '--no-tags', '--no-recurse-submodules', ...(shallow ? ['--depth=1'] : []), REMOTE, ...refspecs], {
    network: true,
  });
  const resolve = (name: string) => repo.text(['rev-parse', '--verify', `${trackingRef(name)}^{commit}`]);
  return { baseSha: await resolve(baseBranch), branchSha: branch ? await resolve(branch) : null };
}

/** The plan branch head on origin now (after a failed push: did someone else move it?). */
export async function remoteBranchHead(repo: GitRepo, branch: string): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  return (await lsRemote(repo, [ref])).refs.get(ref) ?? null;
}
