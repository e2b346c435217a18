// Before anything runs: the plan files must not land on something the repository already holds.
// wild-plan writes tasks.md and the playbook at fixed paths and commits them, so a tasks-path
// onto README.md would replace it in the plan PR, and a path through a tracked symlink (`.wild`
// → /etc) would write outside the repository. What the checkout's HEAD commit tracks is read
// with git plumbing (ls-tree, cat-file), never through the work tree, which the agent may touch.

import { hasSection, KNOWN_PROTOCOL_SECTIONS } from '../plan/playbook.js';
import { parsePlan } from '../plan/parse.js';
import { ABORT_SENTINEL } from '../plan/types.js';
import { GitCommandError } from './errors.js';
import { GitRepo } from './repo.js';

/** A plan path points at, or through, something of the repository's that wild-plan must not replace. */
export class UnsafePlanPathError extends Error {
  override readonly name = 'UnsafePlanPathError';
}

export interface PlanPaths {
  /** Relative to the repository root, '/'-separated (tasksPathFor). */
  tasksPath: string;
  /** Beside the tasks file (PLAYBOOK_FILE). */
  playbookPath: string;
}

/** A tracked file larger than this is no plan of ours; it is refused without being read. */
const MAX_PLAN_BYTES = 8 * 1024 * 1024;

/** What every refusal ends with: the one input that moves both files, and the other way out. */
const FIX =
  'Set the `tasks-path` input to a path nothing in the repository uses (its default is one), or remove what is there in a commit of your own.';

const TREE = '040000';
const SYMLINK = '120000';
const SUBMODULE = '160000';
const FILES = new Set(['100644', '100755']);

interface TreeEntry {
  mode: string;
  sha: string;
  name: string;
}

/**
 * Throws UnsafePlanPathError when, at the checkout's HEAD, a plan path is tracked as anything
 * but a previous wild-plan file of its kind, or a folder on the way to it is tracked as a file,
 * a symlink or a submodule. Without a repository or a first commit there is nothing to check.
 */
export async function checkPlanPathsAtBase(workdir: string, paths: PlanPaths): Promise<void> {
  const repo = GitRepo.open(workdir);
  const base = await headTree(repo);
  if (base === null) return;
  await checkPath(repo, base, paths.tasksPath, 'tasks');
  await checkPath(repo, base, paths.playbookPath, 'playbook');
}

/** HEAD's tree and where the work dir sits in it; null outside a repository or before a first commit. */
async function headTree(repo: GitRepo): Promise<{ tree: string; prefix: string[] } | null> {
  let prefix: string;
  try {
    prefix = await repo.text(['rev-parse', '--show-prefix']);
  } catch (error) {
    if (error instanceof GitCommandError && /not a git repository/i.test(error.stderr)) return null;
    throw error;
  }
  // --quiet: no HEAD commit yet (a fresh `git init`) exits 1 without a message.
  const tree = await repo.text(['rev-parse', '--verify', '--quiet', 'HEAD^{tree}']).catch((error: unknown) => {
    if (error instanceof GitCommandError && error.exitCode === 1) return '';
    throw error;
  });
  if (tree === '') return null;
  return { tree, prefix: prefix.split('/').filter((segment) => segment !== '') };
}

type Kind = 'tasks' | 'playbook';

async function checkPath(repo: GitRepo, base: { tree: string; prefix: string[] }, planPath: string, kind: Kind): Promise<void> {
  const segments = planPath.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new UnsafePlanPathError(`${describe(planPath, kind)} is not a plain path inside the repository. ${FIX}`);
  }
  const found = await trackedAt(repo, base.tree, [...base.prefix, ...segments], base.prefix.length);
  if (found === null) return;
  if ('blocker' in found) {
    throw new UnsafePlanPathError(
      `${describe(planPath, kind)} goes through ${JSON.stringify(found.at)}, which the repository tracks as ${what(found.blocker.mode)}; wild-plan never writes through it. ${FIX}`,
    );
  }
  for (const entry of found.entries) {
    const problem = await entryProblem(repo, entry, kind);
    if (problem !== null) {
      const shown = found.at === planPath ? '' : ` (tracked as ${JSON.stringify(found.at)})`;
      throw new UnsafePlanPathError(`${describe(planPath, kind)}${shown} ${problem}. ${FIX}`);
    }
  }
}

function describe(planPath: string, kind: Kind): string {
  return kind === 'tasks'
    ? `input \`tasks-path\`: ${JSON.stringify(planPath)}`
    : `input \`tasks-path\`: the playbook beside it, ${JSON.stringify(planPath)},`;
}

type Found = { entries: TreeEntry[]; at: string } | { blocker: TreeEntry; at: string };

/**
 * Walks HEAD's tree down `segments`: the entries the last segment names, a non-folder met on
 * the way, or null when the path is not tracked. Names match case-insensitively: on macOS and
 * Windows checkouts `Readme.md` is README.md, and `.WILD` is the symlink `.wild`.
 */
async function trackedAt(repo: GitRepo, root: string, segments: string[], skip: number): Promise<Found | null> {
  let trees = [root];
  for (const [index, segment] of segments.entries()) {
    const lists = await Promise.all(trees.map((tree) => listTree(repo, tree)));
    const entries = lists.flat().filter((entry) => entry.name.toLowerCase() === segment.toLowerCase());
    if (entries.length === 0) return null;
    const at = [...segments.slice(skip, index), entries[0]!.name].join('/');
    if (index === segments.length - 1) return { entries, at };
    const blocker = entries.find((entry) => entry.mode !== TREE);
    if (blocker) return { blocker, at: [...segments.slice(skip, index), blocker.name].join('/') };
    trees = entries.map((entry) => entry.sha);
  }
  return null;
}

/** One tree's entries: `<mode> SP <type> SP <sha> TAB <name>`, NUL-terminated (-z: names unquoted). */
async function listTree(repo: GitRepo, tree: string): Promise<TreeEntry[]> {
  const out = await repo.run(['ls-tree', '-z', tree]);
  return out
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const tab = record.indexOf('\t');
      const [mode = '', , sha = ''] = record.slice(0, tab).split(' ');
      return { mode, sha, name: record.slice(tab + 1) };
    });
}

/** Why wild-plan must not write over this tracked entry, or null when it holds a plan of ours. */
async function entryProblem(repo: GitRepo, entry: TreeEntry, kind: Kind): Promise<string | null> {
  if (!FILES.has(entry.mode)) return `is ${what(entry.mode)} in the repository; wild-plan never writes over it`;
  const size = Number(await repo.text(['cat-file', '-s', entry.sha]));
  const text = size <= MAX_PLAN_BYTES ? await repo.run(['cat-file', 'blob', entry.sha]) : null;
  if (text !== null && (kind === 'tasks' ? isPreviousPlan(text) : hasSection(text, KNOWN_PROTOCOL_SECTIONS))) return null;
  const ours = kind === 'tasks' ? 'a plan or abort checklist wild-plan wrote' : 'a playbook wild-plan wrote';
  return `is a file of the repository, and not ${ours}; writing the plan there would replace it`;
}

function what(mode: string): string {
  if (mode === SYMLINK) return 'a symbolic link';
  if (mode === SUBMODULE) return 'a submodule';
  if (mode === TREE) return 'a folder';
  return FILES.has(mode) ? 'a file' : `an entry of mode ${mode}`;
}

/**
 * A tasks file a previous run committed: a plan with at least one phase holding tasks, or the
 * abort checklist (the sentinel, every box checked). A README that merely names the sentinel
 * and has no checked box is not one.
 */
function isPreviousPlan(text: string): boolean {
  const plan = parsePlan(text);
  if (plan.phases.some((phase) => phase.tasks.length > 0)) return true;
  return plan.abort && text.includes(ABORT_SENTINEL) && /^[ \t]*[-*+][ \t]+\[[xX]\]/m.test(text);
}
