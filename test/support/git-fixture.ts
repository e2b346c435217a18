// Real git repositories for tests: a bare `origin` and a checkout of it laid out the way
// actions/checkout leaves one, plus helpers to act as a human (or a racing pusher) on origin.
// Uses git directly (not src/git) so tests check our code against git, not against itself.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Identity {
  name: string;
  email: string;
}

/** Who commits when a test plays the human maintainer. */
export const HUMAN: Identity = { name: 'Ada Human', email: 'ada@example.com' };
/** Who the push-race hook commits as. */
export const RACER: Identity = { name: 'Rae Racer', email: 'rae@example.com' };

export interface FixtureOptions {
  /** origin's default branch (its HEAD). Default `main`. */
  defaultBranch?: string;
  /** Files of the initial commit. Default: a README and a small source file. */
  files?: Record<string, string>;
  /** Clone with --depth 1 over file://, like actions/checkout's default fetch-depth. */
  shallow?: boolean;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  committerEmail: string;
  subject: string;
  /** Paths this commit added, changed or deleted relative to its first parent. */
  files: string[];
}

/** What a publish must leave exactly as it found it in a checkout. */
export interface WorkTreeState {
  status: string;
  head: string;
  /** sha256 of .git/index bytes: any rewrite of the user's index shows up here. */
  index: string;
  config: string;
}

export class GitFixture {
  private clones = 0;
  private restoreHome: (() => void) | undefined;

  private constructor(
    /** Temporary directory holding everything; removed by dispose(). */
    readonly root: string,
    /** Path of the bare repository the checkout calls `origin`. */
    readonly origin: string,
    /** The checkout: initial commit on the default branch, clean. */
    readonly work: string,
    readonly defaultBranch: string,
  ) {}

  static async create(options: FixtureOptions = {}): Promise<GitFixture> {
    const root = await mkdtemp(join(tmpdir(), 'wild-plan-git-'));
    try {
      const origin = join(root, 'origin.git');
      const defaultBranch = options.defaultBranch ?? 'main';
      await git(root, ['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, origin]);

      const seed = join(root, 'seed');
      await git(root, ['init', '--quiet', `--initial-branch=${defaultBranch}`, seed]);
      await writeFiles(seed, options.files ?? { 'README.md': '# demo\n', 'src/app.ts': 'export const app = 1;\n' });
      await git(seed, ['add', '--all']);
      await git(seed, ['commit', '--quiet', '-m', 'Initial commit']);
      await git(seed, ['push', '--quiet', origin, `HEAD:refs/heads/${defaultBranch}`]);

      const work = join(root, 'work');
      const source = options.shallow ? pathToFileURL(origin).href : origin;
      await git(root, ['clone', '--quiet', ...(options.shallow ? ['--depth', '1'] : []), source, work]);
      return new GitFixture(root, origin, work, defaultBranch);
    } catch (error) {
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  async dispose(): Promise<void> {
    this.restoreHome?.();
    await rm(this.root, { recursive: true, force: true });
  }

  /** Runs git in `cwd` as HUMAN and returns trimmed stdout. */
  git(cwd: string, args: readonly string[]): Promise<string> {
    return git(cwd, args);
  }

  /**
   * A fresh clone of origin: a second maintainer's machine, or with `shallow` the checkout a
   * later workflow run starts from.
   */
  async clone(options: { shallow?: boolean } = {}): Promise<string> {
    const dir = join(this.root, `clone-${++this.clones}`);
    const source = options.shallow ? pathToFileURL(this.origin).href : this.origin;
    await git(this.root, ['clone', '--quiet', ...(options.shallow ? ['--depth', '1'] : []), source, dir]);
    return dir;
  }

  /**
   * Commits `files` on `branch` as HUMAN from a separate clone and pushes it. The branch starts
   * from `from` (default: origin's default branch) when it does not exist yet. Returns the sha.
   */
  async pushAsHuman(args: { branch: string; files: Record<string, string>; message?: string; from?: string }): Promise<string> {
    const dir = await this.clone();
    const exists = (await this.remoteHead(args.branch)) !== null;
    const start = exists ? `origin/${args.branch}` : `origin/${args.from ?? this.defaultBranch}`;
    await git(dir, ['checkout', '--quiet', '-B', args.branch, start]);
    await writeFiles(dir, args.files);
    await git(dir, ['add', '--all']);
    await git(dir, ['commit', '--quiet', '-m', args.message ?? `Human edit on ${args.branch}`]);
    await git(dir, ['push', '--quiet', 'origin', `HEAD:refs/heads/${args.branch}`]);
    return git(dir, ['rev-parse', 'HEAD']);
  }

  /** Points origin's HEAD (its default branch) at `branch`. */
  async setDefaultBranch(branch: string): Promise<void> {
    await git(this.origin, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  }

  /**
   * The next `times` pushes to `branch` find that RACER has just pushed to it (a commit adding
   * RACE_<n>.md), after the pusher fetched and after origin advertised the old head: origin
   * rejects them because the branch is no longer where the pusher said it was. Even --force
   * is rejected here; see armFetchRace for the race that only a non-forced push survives.
   */
  async armPushRace(args: { branch: string; times?: number; base?: string }): Promise<void> {
    const hook = `#!/bin/sh
hit=
while read -r old new ref; do
  [ "$ref" = 'refs/heads/${args.branch}' ] && hit=1
done
[ -n "$hit" ] || exit 0
# receive-pack refuses ref updates from inside its object quarantine; step out of it.
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
${this.racerScript(args)}
exit 0
`;
    await installScript(join(this.origin, 'hooks', 'pre-receive'), hook);
  }

  /**
   * The next `times` fetches that download anything from origin are followed, before the
   * fetching process even finishes, by RACER pushing to `branch`. The fetcher then pushes on a
   * stale head; origin advertises RACER's commit, so only a forced push would land (and
   * destroy it). Works through uploadpack.packObjectsHook, which git reads from global config
   * only: this points HOME at a fixture home until dispose().
   */
  async armFetchRace(args: { branch: string; times?: number; base?: string }): Promise<void> {
    const home = join(this.root, 'home');
    const wrapper = join(this.root, 'pack-objects-race.sh');
    await installScript(
      wrapper,
      `#!/bin/sh
"$@"
status=$?
{
${this.racerScript(args)}
} </dev/null >/dev/null 2>&1
exit $status
`,
    );
    const previousHome = process.env.HOME;
    const included = previousHome ? `[include]\n\tpath = ${join(previousHome, '.gitconfig')}\n` : '';
    await mkdir(home, { recursive: true });
    await writeFile(join(home, '.gitconfig'), `${included}[uploadpack]\n\tpackObjectsHook = ${wrapper}\n`);
    process.env.HOME = home;
    this.restoreHome = () => {
      if (previousHome === undefined) delete process.env.HOME;
      else process.env.HOME = previousHome;
    };
  }

  /** sh that makes RACER's commit on `branch` (or on `base` if it does not exist) at most `times` times. */
  private racerScript(args: { branch: string; times?: number; base?: string }): string {
    const counter = join(this.root, 'race-count');
    const ref = `refs/heads/${args.branch}`;
    const baseRef = `refs/heads/${args.base ?? this.defaultBranch}`;
    return `count=$(cat '${counter}' 2>/dev/null || echo 0)
if [ "$count" -lt ${args.times ?? 1} ]; then
  count=$((count + 1))
  echo "$count" > '${counter}'
  tip=$(git rev-parse --verify --quiet '${ref}' || git rev-parse '${baseRef}')
  blob=$(printf 'race %s\\n' "$count" | git hash-object -w --stdin)
  tree=$( { git ls-tree "$tip"; printf '100644 blob %s\\tRACE_%s.md\\n' "$blob" "$count"; } | git mktree)
  commit=$(GIT_AUTHOR_NAME='${RACER.name}' GIT_AUTHOR_EMAIL='${RACER.email}' GIT_COMMITTER_NAME='${RACER.name}' \\
    GIT_COMMITTER_EMAIL='${RACER.email}' git commit-tree "$tree" -p "$tip" -m "Racing edit $count")
  git update-ref '${ref}' "$commit"
fi`;
  }

  /** How many times RACER has pushed so far. */
  async racesRun(): Promise<number> {
    return Number(await readFile(join(this.root, 'race-count'), 'utf8').catch(() => '0'));
  }

  /** The head of `branch` on origin, null when it does not exist. */
  async remoteHead(branch: string): Promise<string | null> {
    const out = await git(this.origin, ['for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`]);
    return out === '' ? null : out;
  }

  /** Content of `path` at `rev` (a branch name or sha) on origin. */
  remoteFile(rev: string, path: string): Promise<string> {
    return git(this.origin, ['show', `${rev}:${path}`], { trim: false });
  }

  /** Paths in the tree of `rev` on origin. */
  async remoteTree(rev: string): Promise<string[]> {
    return (await git(this.origin, ['ls-tree', '-r', '--name-only', rev])).split('\n').filter(Boolean);
  }

  /** Commits reachable from `rev` but not from `notRev` on origin, newest first. */
  async remoteLog(rev: string, notRev?: string): Promise<string[]> {
    const out = await git(this.origin, ['rev-list', rev, ...(notRev ? ['--not', notRev] : []), '--']);
    return out.split('\n').filter(Boolean);
  }

  /** Details of one commit on origin. */
  async commit(sha: string): Promise<CommitInfo> {
    const out = await git(this.origin, ['show', '-s', '--format=%H%x00%P%x00%an%x00%ae%x00%ce%x00%s', sha]);
    const [full = '', parents = '', authorName = '', authorEmail = '', committerEmail = '', subject = ''] = out.split('\0');
    const files = await git(this.origin, ['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', sha]);
    return {
      sha: full,
      parents: parents.split(' ').filter(Boolean),
      authorName,
      authorEmail,
      committerEmail,
      subject,
      files: files.split('\n').filter(Boolean),
    };
  }

  /** Snapshot of a checkout to compare before and after an operation. */
  async workTreeState(dir: string = this.work): Promise<WorkTreeState> {
    const gitDir = join(dir, '.git');
    const index = await readFile(join(gitDir, 'index')).catch(() => Buffer.alloc(0));
    return {
      // --no-optional-locks: a plain status may refresh (rewrite) the index it is snapshotting.
      status: await git(dir, ['--no-optional-locks', 'status', '--porcelain=v1', '--untracked-files=all'], { trim: false }),
      head: await git(dir, ['rev-parse', 'HEAD']),
      index: createHash('sha256').update(index).digest('hex'),
      config: await readFile(join(gitDir, 'config'), 'utf8'),
    };
  }
}

async function installScript(path: string, content: string): Promise<void> {
  await writeFile(path, content);
  await chmod(path, 0o755);
}

/** Writes files (creating folders) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** The ambient environment minus anything git would pick up from a caller (a hook, an IDE). */
function fixtureEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('GIT_')) env[name] = value;
  }
  return {
    ...env,
    GIT_AUTHOR_NAME: HUMAN.name,
    GIT_AUTHOR_EMAIL: HUMAN.email,
    GIT_COMMITTER_NAME: HUMAN.name,
    GIT_COMMITTER_EMAIL: HUMAN.email,
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
}

function git(cwd: string, args: readonly string[], options: { trim?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, env: fixtureEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${stderr || error.message}`));
      else resolve(options.trim === false ? stdout : stdout.trim());
    });
  });
}
