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
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertUnprivileged, checkTools, createRunAccount, deleteAccount, ensureAccount, removeLeftoverAccounts } from './accounts.js';
import { agentProcesses } from './agent-processes.js';
import { prepareNamespaceSandbox } from './namespace.js';
import { lendWorkspace, openAncestors, type WorkspaceLoan } from './ownership.js';
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
    return {
      reason: `the agent runs as this job's user: running it as another user is supported on Linux only (this is ${process.platform})`,
    };
  }
  if (process.getuid() === 0) return 'root';
  if ((await execute(['sudo', '-n', 'true'])).code === 0) return 'sudo';
  return {
    reason: `the agent runs as this job's user: the job runs as uid ${process.getuid()} without passwordless sudo, so it cannot start the agent as another user`,
  };
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
