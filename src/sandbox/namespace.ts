// A sandbox for runners with no second user to give the agent: no root, no passwordless sudo
// (the self-hosted runner a research team puts next to its server). The agent runs as the
// job's own user, so without this it could read /proc/<action pid>/environ (every input,
// tokens included), write the checkout the job's later steps use, or the runner's files.
//
// With util-linux `unshare` and unprivileged user namespaces (Debian 12, Ubuntu), it gets:
//  - a PID namespace with its own /proc: the action's processes, and their environments, are
//    not there to see, signal or trace; when the run ends, the kernel ends all it left;
//  - a mount namespace in which the checkout, the runner's temp directory (file commands,
//    the event payload), the runner's credential files and the usual credential files of the
//    user's home are covered (an empty read-only tmpfs over a directory, /dev/null over a file);
//  - a second user namespace below that one, as the job's uid without capabilities, so the
//    covers are locked: it cannot unmount them (the kernel locks mounts handed down to a less
//    privileged namespace).
// Everything else the job's user can read stays readable; the README says so.
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { ProcessIsolation } from '../agent/process.js';
import { execute } from './privilege.js';

/** The small init that covers what the agent must not see, then runs it (and stays pid 1, reaping). */
const COVER_SCRIPT = [
  'mount_bin=$1; shift',
  'while [ "$#" -gt 0 ] && [ "$1" != -- ]; do',
  '  case $1 in',
  '    d:*) "$mount_bin" -t tmpfs -o ro,mode=0555,size=4k,nosuid,nodev,noexec wild-plan-hidden "${1#d:}" || exit 125 ;;',
  '    f:*) "$mount_bin" --bind /dev/null "${1#f:}" || exit 125 ;;',
  '  esac',
  '  shift',
  'done',
  'shift',
  '"$@"',
].join('\n');

/** Credential files and directories of a home directory that no agent needs. */
const HOME_SECRETS = [
  '.ssh',
  '.gnupg',
  '.git-credentials',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.docker',
  '.aws',
  '.azure',
  '.kube',
  '.config/gh',
  '.config/gcloud',
  '.config/hub',
  '.config/git/credentials',
];
const RUNNER_PATHS = [
  'RUNNER_TEMP',
  'GITHUB_WORKSPACE',
  'RUNNER_WORKSPACE',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_EVENT_PATH',
];
/** What a self-hosted runner keeps beside its binaries: its registration and its logs. */
const RUNNER_SECRETS = ['.credentials', '.credentials_rsaparams', '.runner', '.env', '.path', '_diag'];

export interface NamespaceTools {
  unshare: string;
  mount: string;
  shell: string;
}

export interface NamespaceSandbox {
  process: ProcessIsolation;
  /** Keeps `target` (and so every directory above it) uncovered: the agent's CLI, its workdir. */
  keepVisible(target: string): void;
  /** What is covered, for the log. */
  covered(): string[];
}

/**
 * A sandbox covering `hide` (and the runner's and home's credential files), or why there is none
 * here (no unshare, user namespaces disabled, a container that forbids them).
 */
export async function prepareNamespaceSandbox(options: {
  hide: readonly string[];
  env?: NodeJS.ProcessEnv;
}): Promise<NamespaceSandbox | { reason: string }> {
  if (process.platform !== 'linux' || process.getuid === undefined)
    return { reason: `namespaces are a Linux feature (this is ${process.platform})` };
  const tools = findTools();
  if (typeof tools === 'string') return { reason: tools };
  const ids = { uid: process.getuid(), gid: process.getgid!() };
  const candidates = coverCandidates(options.hide, options.env ?? process.env);
  const visible: string[] = [];
  const covers = () => candidates.filter((c) => !visible.some((v) => isInside(v, c.path)));
  const wrap = (argv: readonly string[]) => sandboxArgv(tools, ids, covers(), argv);
  // One real start with every cover, so a runner that forbids any part says so now, not mid-plan.
  const probe = await execute(wrap(['/bin/true']));
  if (probe.code !== 0) {
    const why = probe.stderr.trim().split('\n').pop() || `exit ${probe.code}`;
    return { reason: `user namespaces are not available to this job's user (${why})` };
  }
  return {
    process: {
      wrap: (argv, env) => ({ argv: wrap(argv), env }),
      // The process-group stop reaches the agent; when the namespace's first process ends,
      // the kernel ends every other process in it, wherever it moved to.
      signalAll: async () => {},
      anyRunning: async () => false,
    },
    keepVisible: (target) => visible.push(resolveQuietly(target)),
    covered: () => covers().map((c) => c.path),
  };
}

interface Cover {
  path: string;
  kind: 'd' | 'f';
}

function sandboxArgv(
  tools: NamespaceTools,
  ids: { uid: number; gid: number },
  covers: readonly Cover[],
  argv: readonly string[],
): string[] {
  return [
    tools.unshare,
    '--user',
    '--map-root-user',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--',
    tools.shell,
    '-c',
    COVER_SCRIPT,
    'wild-plan-sandbox',
    tools.mount,
    ...covers.map((c) => `${c.kind}:${c.path}`),
    '--',
    // Back to the job's uid, with no capability left: the covers above are now locked.
    tools.unshare,
    '--user',
    `--map-user=${ids.uid}`,
    `--map-group=${ids.gid}`,
    '--',
    ...argv,
  ];
}

function findTools(): NamespaceTools | string {
  const find = (name: string, dirs: readonly string[]) => dirs.map((d) => path.join(d, name)).find((p) => existsSync(p));
  const dirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  const unshare = find('unshare', dirs);
  const mount = find('mount', dirs);
  const shell = existsSync('/bin/sh') ? '/bin/sh' : undefined;
  if (!unshare || !mount || !shell) return 'util-linux `unshare` and `mount` are needed (apt-get install util-linux mount)';
  return { unshare, mount, shell };
}

/** The paths to cover that exist here, links resolved (mount follows them anyway). */
function coverCandidates(hide: readonly string[], env: NodeJS.ProcessEnv): Cover[] {
  const wanted = new Set<string>(hide);
  // The runner's temp directory and the file commands in it: GITHUB_ENV and GITHUB_PATH reach
  // every later step of the job, GITHUB_OUTPUT this step's outputs.
  for (const name of RUNNER_PATHS) if (env[name]) wanted.add(env[name]!);
  const home = env.HOME || homedir();
  if (home) for (const rel of HOME_SECRETS) wanted.add(path.join(home, rel));
  for (const dir of runnerRoots(env)) for (const rel of RUNNER_SECRETS) wanted.add(path.join(dir, rel));
  const covers = new Map<string, Cover>();
  for (const candidate of wanted) {
    const real = resolveQuietly(candidate);
    let stat;
    try {
      stat = lstatSync(real);
    } catch {
      continue;
    }
    if (stat.isDirectory()) covers.set(real, { path: real, kind: 'd' });
    else if (stat.isFile()) covers.set(real, { path: real, kind: 'f' });
  }
  // A directory covered whole covers what is inside it: mounting there too would fail.
  const all = [...covers.values()];
  return all.filter(
    (c) => !all.some((other) => other !== c && other.kind === 'd' && isInside(other.path, c.path) && other.path !== c.path),
  );
}

/** Directories holding a runner's registration (`.runner`): above the action's node and the workspace. */
function runnerRoots(env: NodeJS.ProcessEnv): string[] {
  const roots = new Set<string>();
  for (const start of [process.execPath, env.GITHUB_WORKSPACE, env.RUNNER_WORKSPACE]) {
    if (!start) continue;
    for (let dir = path.dirname(start); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, '.runner'))) roots.add(dir);
    }
  }
  return [...roots];
}

function resolveQuietly(target: string): string {
  try {
    return realpathSync(target);
  } catch {
    return path.resolve(target);
  }
}

/** Whether `inner` is `outer` or below it. */
function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
