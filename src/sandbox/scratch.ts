// The agent's own copy of the repository. The agent may obey the text, so it never works
// in the job's checkout: whatever it edits there (a workflow, a .gitattributes filter, the
// sources) would stay for the job's later steps, which run with the job's secrets. It gets a
// copy of the base commit in a directory of ours instead, and the checkout is left as it was.
//
//   <scratch>/            0700, ours (lent to the agent's user for the run, when it has one)
//   <scratch>/work/       the committed tree at HEAD (no .git: nothing of the checkout's git
//                         state — config, hooks, credentials — is within its reach)
//
// After the run, what the agent changed beyond the plan files is listed for the log and the
// summary, from a record of the tree taken before it started (no git runs on its files).
import { cp, mkdir, mkdtemp, readdir, lstat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitRepo } from '../git/repo.js';

export interface Scratch {
  /** The scratch directory (0700), parent of `work`; what is lent to the agent's user. */
  root: string;
  /** The agent's working directory: the copy of the base commit. */
  work: string;
  /** Where the copy came from: the commit, or "the workspace's files" when it is no git checkout. */
  source: string;
  /** Records the tree as it is now (call right before the agent starts). */
  record(): Promise<void>;
  /** What changed in `work` since record(), other than `exclude` (repository-relative paths). */
  changes(exclude: readonly string[]): Promise<TreeChanges>;
  /** Removes the scratch directory. */
  dispose(): Promise<void>;
}

export interface TreeChanges {
  added: string[];
  modified: string[];
  deleted: string[];
  /** The walk stopped at MAX_ENTRIES: the lists are incomplete. */
  truncated: boolean;
}

/** Entries walked at most when recording or comparing the tree; a repository past it is listed in part. */
const MAX_ENTRIES = 250_000;

/** Copies the workspace's HEAD commit (or, off git, its files) into a new scratch directory. */
export async function createScratch(workspace: string, options: { tmp?: string } = {}): Promise<Scratch> {
  const root = await mkdtemp(path.join(options.tmp ?? tmpdir(), 'wild-scratch-'));
  const work = path.join(root, 'work');
  let source: string;
  try {
    await mkdir(work);
    source = await copyBaseCommit(workspace, root, work);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  let before: Map<string, string> | undefined;
  return {
    root,
    work,
    source,
    async record() {
      before = (await walk(work)).entries;
    },
    async changes(exclude) {
      const after = await walk(work);
      return compare(before ?? new Map(), after.entries, new Set(exclude), after.truncated);
    },
    dispose: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** Fills `work` from HEAD through a throw-away index; returns what it copied. */
async function copyBaseCommit(workspace: string, root: string, work: string): Promise<string> {
  const repo = GitRepo.open(workspace);
  const head = await repo.text(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  if (!/^[0-9a-f]{40,64}$/.test(head)) {
    // Not a checkout, or one without a commit yet (a local `wild-plan plan` in a new folder):
    // its files, as they are, without a .git.
    await cp(workspace, work, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== '.git' });
    return "the workspace's files";
  }
  // The index lives beside `work`, not in it: nothing of our git state is left in the copy.
  // GIT_LFS_SKIP_SMUDGE: LFS pointers stay pointers, as actions/checkout leaves them by default.
  const env = { GIT_INDEX_FILE: path.join(root, 'index'), GIT_LFS_SKIP_SMUDGE: '1' };
  try {
    await repo.run(['read-tree', head], { env });
    await repo.run(['checkout-index', '--all', '--force', `--prefix=${work}/`], { env });
  } finally {
    await rm(env.GIT_INDEX_FILE, { force: true });
  }
  return `commit ${head.slice(0, 12)}`;
}

/** Every entry under `dir` with a signature of what it is; links are recorded, never followed. */
async function walk(dir: string): Promise<{ entries: Map<string, string>; truncated: boolean }> {
  const entries = new Map<string, string>();
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let names: string[];
    try {
      names = await readdir(rel === '' ? dir : path.join(dir, rel));
    } catch {
      continue; // a directory the agent made unreadable: what is in it goes unlisted
    }
    for (const name of names) {
      if (entries.size >= MAX_ENTRIES) return { entries, truncated: true };
      const child = rel === '' ? name : `${rel}/${name}`;
      const stat = await lstat(path.join(dir, child)).catch(() => null);
      if (!stat) continue;
      // ctime is left out on purpose: giving the copy back to us after the agent's run (chown)
      // changes it for every file. Size, mtime, inode and mode still tell an edit.
      const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : stat.isFile() ? 'f' : 'o';
      entries.set(child, kind === 'd' ? 'd' : `${kind}:${stat.mode}:${stat.size}:${stat.mtimeMs}:${stat.ino}`);
      if (kind === 'd') pending.push(child);
    }
  }
  return { entries, truncated: false };
}

function compare(before: Map<string, string>, after: Map<string, string>, exclude: Set<string>, truncated: boolean): TreeChanges {
  const changes: TreeChanges = { added: [], modified: [], deleted: [], truncated };
  // Directories count only as containers: their files are listed themselves.
  const isFileEntry = (sig: string | undefined) => sig !== undefined && sig !== 'd';
  for (const [name, sig] of after) {
    if (exclude.has(name) || !isFileEntry(sig)) continue;
    const old = before.get(name);
    if (old === undefined || old === 'd') changes.added.push(name);
    else if (old !== sig) changes.modified.push(name);
  }
  for (const [name, sig] of before) {
    if (!exclude.has(name) && isFileEntry(sig) && !isFileEntry(after.get(name))) changes.deleted.push(name);
  }
  for (const list of [changes.added, changes.modified, changes.deleted]) list.sort();
  return changes;
}

/** One line for the log and the summary: counts, then the first few paths of each kind. */
export function describeChanges(changes: TreeChanges, shown = 5): string | null {
  const parts: string[] = [];
  for (const [label, list] of [
    ['added', changes.added],
    ['modified', changes.modified],
    ['deleted', changes.deleted],
  ] as const) {
    if (list.length === 0) continue;
    const first = list
      .slice(0, shown)
      .map((p) => JSON.stringify(p))
      .join(', ');
    parts.push(`${list.length} ${label} (${first}${list.length > shown ? ', …' : ''})`);
  }
  if (parts.length === 0) return null;
  return `${parts.join('; ')}${changes.truncated ? '; the listing stopped early (a very large tree)' : ''}`;
}
