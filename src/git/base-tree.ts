// What the checkout's HEAD commit tracks, read with git plumbing (never through the work tree,
// which the agent's copy may differ from): the files, and the folders they imply.
import { GitCommandError } from './errors.js';
import { GitRepo } from './repo.js';

/** Paths under the work dir tracked at HEAD, files and folders, '/'-separated; null outside a repository or before a first commit. */
export async function trackedPaths(workdir: string): Promise<Set<string> | null> {
  const repo = GitRepo.open(workdir);
  let listing: string;
  try {
    listing = await repo.run(['ls-tree', '-r', '-z', '--name-only', 'HEAD']);
  } catch (error) {
    if (error instanceof GitCommandError) return null;
    throw error;
  }
  const paths = new Set<string>();
  for (const file of listing.split('\0')) {
    if (file === '') continue;
    paths.add(file);
    for (let at = file.lastIndexOf('/'); at > 0; at = file.lastIndexOf('/', at - 1)) paths.add(file.slice(0, at));
  }
  return paths;
}
