// Running the agent as a separate, unprivileged user where the machine allows it.
//
// The environment allow-list keeps tokens out of the agent's own environment, but a process
// of the same user can still read its parent's: /proc/<ppid>/environ of the action holds
// INPUT_GITHUB-TOKEN and INPUT_SERVER-TOKEN. As another user it cannot (the kernel allows
// reading a process's environment to its own user only), nor files only we can read.
//
//  (a) we are root: create `wild-agent` if missing and start the agent with its uid/gid;
//  (b) passwordless sudo (GitHub-hosted runners): the same through `sudo -n`;
//  (c) neither: the agent runs as we do, and the result says so (`isolated: false`).
//
// For the run the agent user gets the workspace (not .git, see ownership.ts), a fresh HOME
// and TMPDIR of its own, and the prompt file; restore() stops whatever it left running and
// gives everything back.
//
// restore() stops EVERY process of the agent's user. Two runs on one machine sharing
// `wild-agent` would stop each other's agents, so the pipeline asks for a user of the run's
// own (`perRun`): `wild-agent-<8 hex>`, created here and deleted by restore(). Its comment
// field names the process that created it (pid and start time), so an account whose run was
// killed outright (SIGKILL: no restore) is recognised and removed by the next per-run setup.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { lendWorkspace, openAncestors, type WorkspaceLoan } from './ownership.js';
import { prepareNamespaceSandbox } from './namespace.js';
import { asAgent, execute, runAsRoot, SYSTEM_PATH, type AgentAccount, type PrivilegeMode } from './privilege.js';
import type { ProcessIsolation } from '../agent/process.js';

export const AGENT_USER = 'wild-agent';

/** What a runner needs to start the agent as its user; passed in AgentRunRequest.isolation. */
export interface AgentIsolation {
  user: string;
  process: ProcessIsolation;
  /** HOME, TMPDIR, USER, LOGNAME and git's safe.directory, on top of the agent's environment. */
  env: Record<string, string>;
  /** Makes a file or directory we created (the prompt) the agent user's for the run. */
  grant(target: string): Promise<void>;
  /** Makes it ours again, so we can remove it. */
  reclaim(target: string): Promise<void>;
  /**
   * Lets the agent user reach `target` (an agent CLI in a cache under a private home): each
   * directory above it that others cannot traverse gets o+x (traverse, no listing) until
   * restore(), as the workspace's own parents do.
   */
  reach(target: string): Promise<void>;
}

export interface Isolation {
  /** True for a user of its own and for the namespace sandbox: the agent cannot read this job's environment. */
  isolated: boolean;
  /** How: a user of its own (root or sudo), namespaces as this job's user (neither), or not at all. */
  kind: 'user' | 'namespace' | 'none';
  /** One line for the log and the job summary: how the agent runs, or why not isolated. */
  reason: string;
  user?: string;
  /** Present when isolated. */
  agent?: AgentIsolation;
  /** Stops every process the agent user left and gives back the workspace. Idempotent. */
  restore(): Promise<void>;
  /** Between two agent runs: stops what the agent left and takes its directory back, so it can be read. */
  takeBack?(): Promise<void>;
  /** Lends the directory to the agent again before its next run. */
  lendAgain?(): Promise<void>;
}

export interface IsolationOptions {
  /** The agent's user, default `wild-agent`; with `perRun`, the start of this run's user's name. */
  user?: string;
  /**
   * A user of this run's own, `<user>-<8 hex>`: created now (never an existing one) and
   * deleted by restore(), which then stops only this run's processes. For runs that may
   * overlap on one machine (the action, the test suite); see the note at the top.
   */
  perRun?: boolean;
  /**
   * Without root or sudo: run the agent in namespaces of its own instead (see namespace.ts),
   * covering these paths (the job's checkout). Absent: no namespace fallback.
   */
  sandboxHide?: readonly string[];
}

/** The comment of a per-run account: the process that created it, to tell a leftover later. */
const RUN_MARK = /^wild-plan agent of pid (\d+) started (\d+)$/;

/**
 * Sets up the run as another user lent `workspace` (the agent's scratch copy), or in the namespace
 * sandbox, or says why neither is possible. Never throws for (c).
 */
export async function prepareIsolation(workspace: string, options: IsolationOptions = {}): Promise<Isolation> {
  const mode = await detectMode();
  if (typeof mode !== 'string') return inNamespaces(mode.reason, options);
  const asUser = await asOtherUser(mode, workspace, options);
  return asUser.isolated ? asUser : inNamespaces(asUser.reason, options);
}

async function asOtherUser(mode: PrivilegeMode, workspace: string, options: IsolationOptions): Promise<Isolation> {
  const base = options.user ?? AGENT_USER;
  const user = options.perRun ? `${base}-${randomBytes(4).toString('hex')}` : base;
  let account: AgentAccount | undefined;
  try {
    await checkTools(mode);
    if (options.perRun) {
      await removeLeftoverAccounts(mode, base);
      account = await createRunAccount(mode, user);
    } else {
      account = await ensureAccount(mode, user);
    }
    await assertUnprivileged(mode, account);
  } catch (error) {
    if (options.perRun && account) await deleteAccount(mode, account).catch(() => {});
    return notIsolated(`the agent runs as this job's user: ${(error as Error).message}`);
  }

  const me = { uid: process.getuid!(), gid: process.getgid!() };
  const scratch = await mkdtemp(path.join(tmpdir(), 'wild-agent-'));
  const home = path.join(scratch, 'home');
  const temp = path.join(scratch, 'tmp');
  await mkdir(home);
  await mkdir(temp);
  const ids = (o: { uid: number; gid: number }) => `${o.uid}:${o.gid}`;
  const agentAccount = account;
  const processes = agentProcesses(mode, agentAccount);
  let loan: WorkspaceLoan | undefined;
  /** Directories opened for reach(), with the modes to put back. */
  const reached: Array<{ dir: string; mode: number }> = [];
  let restoring: Promise<void> | undefined;
  /** The lent directory back to its owner; whatever the agent closed (a 000 directory) opens to
   * its owner again, so it can be read back and removed without root (chmod -R follows no link). */
  const giveBack = async () => {
    if (!loan) return;
    const lent = loan;
    loan = undefined;
    await lent.restore();
    await runAsRoot(mode, ['chmod', '-R', 'u+rwX', '--', lent.workspace]);
  };
  const restore = () =>
    (restoring ??= (async () => {
      const problems: string[] = [];
      const step = async (fn: () => Promise<unknown>) => fn().catch((error: Error) => problems.push(error.message));
      await step(() => processes.stopAll());
      for (const { dir, mode: original } of reached.splice(0).reverse()) {
        await step(() => runAsRoot(mode, ['chmod', (original & 0o7777).toString(8), '--', dir]));
      }
      await step(giveBack);
      await step(() => runAsRoot(mode, ['rm', '-rf', '--', scratch]));
      // Only once nothing of it is left running or owned in the workspace: a uid given to
      // the next account must not inherit this one's processes or the workspace's files.
      if (options.perRun) {
        if (problems.length === 0) await step(() => deleteAccount(mode, agentAccount));
        else problems.push(`the user ${user} is kept`);
      }
      if (problems.length > 0) throw new Error(`restoring after the isolated agent run: ${problems.join('; ')}`);
    })());

  try {
    await runAsRoot(mode, ['chown', '-R', '-P', '-h', ids(agentAccount), '--', scratch]);
    loan = await lendWorkspace(mode, agentAccount, workspace);
    await probe(mode, agentAccount, [loan.workspace, home]);
  } catch (error) {
    await restore().catch(() => {});
    return notIsolated(`the agent runs as this job's user: ${(error as Error).message}`);
  }

  const how = mode === 'root' ? 'started by root with its uid' : 'through sudo';
  const which = options.perRun ? `the unprivileged user ${user} of this run` : `the unprivileged user ${user}`;
  return {
    isolated: true,
    kind: 'user',
    reason: `the agent runs as ${which} (uid ${agentAccount.uid}, ${how}); it cannot read this job's environment or its files`,
    user,
    // Between runs (a repair round), what the agent wrote is read as ours: nothing of it runs then.
    takeBack: async () => {
      await processes.stopAll();
      await giveBack();
    },
    lendAgain: async () => {
      loan ??= await lendWorkspace(mode, agentAccount, workspace);
    },
    agent: {
      user,
      process: processes,
      env: {
        HOME: home,
        TMPDIR: temp,
        TMP: temp,
        TEMP: temp,
        USER: user,
        LOGNAME: user,
        // .git keeps its owner, so git would call the repository dubious; command-scope
        // config (as `-c` would) says it is safe, for this workspace only, writing no file.
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'safe.directory',
        GIT_CONFIG_VALUE_0: loan.workspace,
      },
      grant: (target) => runAsRoot(mode, ['chown', '-R', '-P', '-h', ids(agentAccount), '--', target]).then(() => {}),
      reclaim: (target) => runAsRoot(mode, ['chown', '-R', '-P', '-h', ids(me), '--', target]).then(() => {}),
      reach: (target) => openAncestors(mode, target, reached),
    },
    restore,
  };
}

function notIsolated(reason: string): Isolation {
  return { isolated: false, kind: 'none', reason, restore: async () => {} };
}

/**
 * Neither root nor sudo (or the user could not be set up): namespaces as this job's user, where
 * the runner allows them. `why` is why there is no user of its own, said either way.
 */
async function inNamespaces(why: string, options: IsolationOptions): Promise<Isolation> {
  if (!options.sandboxHide) return notIsolated(why);
  const sandbox = await prepareNamespaceSandbox({ hide: options.sandboxHide });
  const job = `uid ${process.getuid?.() ?? '?'}`;
  if ('reason' in sandbox) {
    return notIsolated(
      `${why}; and no sandbox either: ${sandbox.reason}. On this runner the agent can read this job's secrets: run the job as root or with passwordless sudo (a user of its own), or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces)`,
    );
  }
  const scratch = await mkdtemp(path.join(tmpdir(), 'wild-agent-'));
  const home = path.join(scratch, 'home');
  const temp = path.join(scratch, 'tmp');
  await mkdir(home);
  await mkdir(temp);
  sandbox.keepVisible(scratch);
  const name = process.env.USER ?? process.env.LOGNAME ?? 'runner';
  return {
    isolated: true,
    kind: 'namespace',
    reason: `the agent runs as this job's user (${job}; ${why.replace(/^the agent runs as this job's user: /, '')}) in namespaces of its own: it cannot see this job's processes or their environment, its checkout, or the runner's temp and credential files; other files this user can read stay readable to it`,
    agent: {
      user: name,
      process: sandbox.process,
      env: { HOME: home, TMPDIR: temp, TMP: temp, TEMP: temp },
      grant: async () => {},
      reclaim: async () => {},
      reach: async (target) => sandbox.keepVisible(target),
    },
    restore: async () => {
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

async function detectMode(): Promise<PrivilegeMode | { reason: string }> {
  if (process.platform !== 'linux' || process.getuid === undefined) {
    return { reason: `the agent runs as this job's user: running it as another user is supported on Linux only (this is ${process.platform})` };
  }
  if (process.getuid() === 0) return 'root';
  if ((await execute(['sudo', '-n', 'true'])).code === 0) return 'sudo';
  return {
    reason: `the agent runs as this job's user: the job runs as uid ${process.getuid()} without passwordless sudo, so it cannot start the agent as another user`,
  };
}

/** GNU chown (--from) and find (-printf) take the workspace back exactly. */
async function checkTools(mode: PrivilegeMode): Promise<void> {
  for (const [tool, mark] of [['chown', 'GNU coreutils'], ['find', 'GNU findutils']] as const) {
    const { stdout } = await execute([tool, '--version']);
    if (!stdout.includes(mark)) throw new Error(`${tool} from ${mark} is needed to lend the workspace to another user`);
  }
  if (mode === 'sudo' && !existsSync('/usr/bin/env') && !existsSync('/bin/env')) throw new Error('env is missing');
}

async function ensureAccount(mode: PrivilegeMode, user: string): Promise<AgentAccount> {
  const existing = await lookUp(user);
  if (existing) return existing;
  const shell = existsSync('/usr/sbin/nologin') ? '/usr/sbin/nologin' : '/bin/false';
  // No home (each run gets a fresh one), no password, no login shell, its own group only.
  const created = await execute([
    ...(mode === 'root' ? [] : ['sudo', '-n', '--']),
    'useradd', '--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', shell,
    '--comment', 'wild-plan agent (unprivileged)', user,
  ]);
  // A concurrent job may have created it first: look again before giving up.
  const account = await lookUp(user);
  if (!account) throw new Error(`could not create the user ${user}: ${created.stderr.trim() || `useradd exited ${created.code}`}`);
  return account;
}

async function lookUp(user: string): Promise<AgentAccount | null> {
  const [uid, gid] = await Promise.all([execute(['id', '-u', user]), execute(['id', '-g', user])]);
  if (uid.code !== 0 || gid.code !== 0) return null;
  return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Creates `user` for this run; refuses one that exists already (it is someone else's). */
async function createRunAccount(mode: PrivilegeMode, user: string): Promise<AgentAccount> {
  if (await lookUp(user)) throw new Error(`the user ${user} exists already`);
  const shell = existsSync('/usr/sbin/nologin') ? '/usr/sbin/nologin' : '/bin/false';
  const argv = [
    ...(mode === 'root' ? [] : ['sudo', '-n', '--']),
    'useradd', '--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', shell,
    '--comment', `wild-plan agent of pid ${process.pid} started ${startTime(process.pid)}`, user,
  ];
  // useradd waits for the password file lock, but gives up at once on some systems: try again.
  let created = await execute(argv);
  for (let attempt = 1; created.code !== 0 && attempt < 5 && !(await lookUp(user)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    created = await execute(argv);
  }
  const account = await lookUp(user);
  if (!account) throw new Error(`could not create the user ${user}: ${created.stderr.trim() || `useradd exited ${created.code}`}`);
  return account;
}

/** Deletes a per-run account and its group (userdel keeps the group on some systems). */
async function deleteAccount(mode: PrivilegeMode, account: AgentAccount): Promise<void> {
  const root = mode === 'root' ? [] : ['sudo', '-n', '--'];
  let removed = await execute([...root, 'userdel', account.user]);
  for (let attempt = 1; removed.code !== 0 && attempt < 5 && (await lookUp(account.user)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    removed = await execute([...root, 'userdel', account.user]);
  }
  if (await lookUp(account.user)) {
    throw new Error(`could not delete the user ${account.user}: ${removed.stderr.trim() || `userdel exited ${removed.code}`}`);
  }
  if ((await execute(['getent', 'group', account.user])).code === 0) await execute([...root, 'groupdel', account.user]);
}

/**
 * Per-run accounts whose creating process is gone (killed before it could restore): their
 * processes are stopped and the accounts deleted. An account whose creator still runs, or
 * that wild-plan did not create, is left alone. Best effort: a failure here costs nothing.
 */
async function removeLeftoverAccounts(mode: PrivilegeMode, base: string): Promise<void> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const name = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{8}$`);
  for (const line of passwd.split('\n')) {
    const [user = '', , uid, gid, comment = ''] = line.split(':');
    const mark = RUN_MARK.exec(comment);
    if (!name.test(user) || !mark) continue;
    if (startTime(Number(mark[1])) === mark[2]) continue; // its run is still going
    const account = { user, uid: Number(uid), gid: Number(gid) };
    if (!(account.uid > 0)) continue;
    try {
      await agentProcesses(mode, account).stopAll();
      await deleteAccount(mode, account);
    } catch {
      // another run may be removing it at the same moment
    }
  }
}

/** When a process started (clock ticks since boot), to tell it from a later one with its pid; '' when gone. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** Refuses a user that is root in disguise, in another group, or allowed to sudo. */
async function assertUnprivileged(mode: PrivilegeMode, account: AgentAccount): Promise<void> {
  if (account.uid === 0 || account.gid === 0) throw new Error(`the user ${account.user} has uid or gid 0`);
  const groups = (await execute(['id', '-G', account.user])).stdout.trim().split(/\s+/).map(Number);
  if (groups.some((g) => g !== account.gid)) {
    throw new Error(`the user ${account.user} belongs to other groups (${groups.join(', ')}); it must have its own group only`);
  }
  if ((await execute(['sudo', '--version'])).code !== 0) return; // no sudo on this machine
  const listing = await execute([...(mode === 'root' ? [] : ['sudo', '-n', '--']), 'sudo', '-n', '-l', '-U', account.user]);
  if (!/is not allowed to run sudo/.test(listing.stdout + listing.stderr)) {
    throw new Error(`the user ${account.user} may run sudo (${(listing.stdout + listing.stderr).trim().split('\n')[0]}); remove its sudo rights`);
  }
}

/** Fails unless the agent user can write each directory. */
async function probe(mode: PrivilegeMode, account: AgentAccount, dirs: readonly string[]): Promise<void> {
  const test = ['test', ...dirs.flatMap((dir, i) => [...(i > 0 ? ['-a'] : []), '-w', dir, '-a', '-x', dir])];
  const run = asAgent(mode, account, test, { PATH: SYSTEM_PATH });
  const result = await execute(run.argv, { uid: run.uid, gid: run.gid });
  if (result.code !== 0) {
    throw new Error(`the user ${account.user} cannot write ${dirs.join(' and ')} (${result.stderr.trim() || `exit ${result.code}`})`);
  }
}

/** The agent user's processes: listed from /proc, signalled all at once. */
function agentProcesses(mode: PrivilegeMode, account: AgentAccount): ProcessIsolation & { stopAll(): Promise<void> } {
  const pids = async (): Promise<number[]> => {
    const found: number[] = [];
    for (const entry of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry)) continue;
      const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      // Zombies hold nothing; a container without an init may never reap them.
      if (uid !== undefined && Number(uid) === account.uid && state !== 'Z' && state !== 'X') found.push(Number(entry));
    }
    return found;
  };
  const signalAll = async (signal: NodeJS.Signals) => {
    if (mode === 'root') {
      for (const pid of await pids()) {
        try {
          process.kill(pid, signal);
        } catch {
          // gone already
        }
      }
      return;
    }
    // We may not signal another user's processes; it may signal its own: kill(-1) as it
    // reaches every process of that user (and not the kill itself). `-9 -1` is the one
    // spelling procps, util-linux and busybox kill all read as "signal 9 to pid -1".
    const run = asAgent(mode, account, ['kill', `-${constants.signals[signal]}`, '-1'], { PATH: SYSTEM_PATH });
    await execute(run.argv);
  };
  const anyRunning = async () => (await pids()).length > 0;
  return {
    ...(mode === 'root' ? { uid: account.uid, gid: account.gid } : {}),
    wrap: mode === 'sudo' ? (argv, env, cwd) => asAgent(mode, account, argv, env, cwd) : undefined,
    signalAll,
    anyRunning,
    async stopAll() {
      for (let round = 0; round < 40 && (await anyRunning()); round++) {
        await signalAll('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (await anyRunning()) throw new Error(`processes of ${account.user} are still running: ${(await pids()).join(', ')}`);
    },
  };
}
