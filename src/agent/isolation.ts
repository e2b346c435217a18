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
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { lendWorkspace, type WorkspaceLoan } from './ownership.js';
import { asAgent, execute, runAsRoot, SYSTEM_PATH, type AgentAccount, type PrivilegeMode } from './privilege.js';
import type { ProcessIsolation } from './process.js';

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
}

export interface Isolation {
  isolated: boolean;
  /** One line for the log and the job summary: how the agent runs, or why not isolated. */
  reason: string;
  user?: string;
  /** Present when isolated. */
  agent?: AgentIsolation;
  /** Stops every process the agent user left and gives back the workspace. Idempotent. */
  restore(): Promise<void>;
}

export interface IsolationOptions {
  /** Default `wild-agent`. */
  user?: string;
}

/** Sets up the run as another user, or says why it cannot. Never throws for (c). */
export async function prepareIsolation(workspace: string, options: IsolationOptions = {}): Promise<Isolation> {
  const user = options.user ?? AGENT_USER;
  const mode = await detectMode();
  if (typeof mode !== 'string') return notIsolated(mode.reason);
  let account: AgentAccount;
  try {
    await checkTools(mode);
    account = await ensureAccount(mode, user);
    await assertUnprivileged(mode, account);
  } catch (error) {
    return notIsolated(`the agent runs as this job's user: ${(error as Error).message}`);
  }

  const me = { uid: process.getuid!(), gid: process.getgid!() };
  const scratch = await mkdtemp(path.join(tmpdir(), 'wild-agent-'));
  const home = path.join(scratch, 'home');
  const temp = path.join(scratch, 'tmp');
  await mkdir(home);
  await mkdir(temp);
  const ids = (o: { uid: number; gid: number }) => `${o.uid}:${o.gid}`;
  const processes = agentProcesses(mode, account);
  let loan: WorkspaceLoan | undefined;
  let restoring: Promise<void> | undefined;
  const restore = () =>
    (restoring ??= (async () => {
      const problems: string[] = [];
      const step = async (fn: () => Promise<unknown>) => fn().catch((error: Error) => problems.push(error.message));
      await step(() => processes.stopAll());
      if (loan) await step(() => loan!.restore());
      await step(() => runAsRoot(mode, ['rm', '-rf', '--', scratch]));
      if (problems.length > 0) throw new Error(`restoring after the isolated agent run: ${problems.join('; ')}`);
    })());

  try {
    await runAsRoot(mode, ['chown', '-R', '-P', '-h', ids(account), '--', scratch]);
    loan = await lendWorkspace(mode, account, workspace);
    await probe(mode, account, [loan.workspace, home]);
  } catch (error) {
    await restore().catch(() => {});
    return notIsolated(`the agent runs as this job's user: ${(error as Error).message}`);
  }

  const how = mode === 'root' ? 'started by root with its uid' : 'through sudo';
  return {
    isolated: true,
    reason: `the agent runs as the unprivileged user ${user} (uid ${account.uid}, ${how}); it cannot read this job's environment or its files`,
    user,
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
      grant: (target) => runAsRoot(mode, ['chown', '-R', '-P', '-h', ids(account), '--', target]).then(() => {}),
      reclaim: (target) => runAsRoot(mode, ['chown', '-R', '-P', '-h', ids(me), '--', target]).then(() => {}),
    },
    restore,
  };
}

function notIsolated(reason: string): Isolation {
  return { isolated: false, reason, restore: async () => {} };
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
    wrap: mode === 'sudo' ? (argv, env) => asAgent(mode, account, argv, env) : undefined,
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
