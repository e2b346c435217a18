// The agent's accounts: a user of each run's own (created, checked unprivileged, deleted), or the
// shared `wild-agent`; and the removal of accounts a killed run left behind.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { agentProcesses } from './agent-processes.js';
import { execute, type AgentAccount, type PrivilegeMode } from './privilege.js';

/** The comment of a per-run account: the process that created it, to tell a leftover later. */
const RUN_MARK = /^wild-plan agent of pid (\d+) started (\d+)$/;

/** GNU chown (--from) and find (-printf) take the workspace back exactly. */
export async function checkTools(mode: PrivilegeMode): Promise<void> {
  for (const [tool, mark] of [
    ['chown', 'GNU coreutils'],
    ['find', 'GNU findutils'],
  ] as const) {
    const { stdout } = await execute([tool, '--version']);
    if (!stdout.includes(mark)) throw new Error(`${tool} from ${mark} is needed to lend the workspace to another user`);
  }
  if (mode === 'sudo' && !existsSync('/usr/bin/env') && !existsSync('/bin/env')) throw new Error('env is missing');
}

export async function ensureAccount(mode: PrivilegeMode, user: string): Promise<AgentAccount> {
  const existing = await lookUp(user);
  if (existing) return existing;
  const created = await execute(useradd(mode, user, 'wild-plan agent (unprivileged)'));
  // A concurrent job may have created it first: look again before giving up.
  const account = await lookUp(user);
  if (!account) throw new Error(`could not create the user ${user}: ${created.stderr.trim() || `useradd exited ${created.code}`}`);
  return account;
}

export async function lookUp(user: string): Promise<AgentAccount | null> {
  const [uid, gid] = await Promise.all([execute(['id', '-u', user]), execute(['id', '-g', user])]);
  if (uid.code !== 0 || gid.code !== 0) return null;
  return { user, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Creates `user` for this run; refuses one that exists already (it is someone else's). */
export async function createRunAccount(mode: PrivilegeMode, user: string): Promise<AgentAccount> {
  if (await lookUp(user)) throw new Error(`the user ${user} exists already`);
  const argv = useradd(mode, user, `wild-plan agent of pid ${process.pid} started ${startTime(process.pid)}`);
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
export async function deleteAccount(mode: PrivilegeMode, account: AgentAccount): Promise<void> {
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
export async function removeLeftoverAccounts(mode: PrivilegeMode, base: string): Promise<void> {
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
export async function assertUnprivileged(mode: PrivilegeMode, account: AgentAccount): Promise<void> {
  if (account.uid === 0 || account.gid === 0) throw new Error(`the user ${account.user} has uid or gid 0`);
  const groups = (await execute(['id', '-G', account.user])).stdout.trim().split(/\s+/).map(Number);
  if (groups.some((g) => g !== account.gid)) {
    throw new Error(`the user ${account.user} belongs to other groups (${groups.join(', ')}); it must have its own group only`);
  }
  if ((await execute(['sudo', '--version'])).code !== 0) return; // no sudo on this machine
  const listing = await execute([...(mode === 'root' ? [] : ['sudo', '-n', '--']), 'sudo', '-n', '-l', '-U', account.user]);
  if (!/is not allowed to run sudo/.test(listing.stdout + listing.stderr)) {
    throw new Error(
      `the user ${account.user} may run sudo (${(listing.stdout + listing.stderr).trim().split('\n')[0]}); remove its sudo rights`,
    );
  }
}

/** `useradd` for an agent account: no home (each run gets a fresh one), no password, no login shell, its own group only. */
function useradd(mode: PrivilegeMode, user: string, comment: string): string[] {
  const shell = existsSync('/usr/sbin/nologin') ? '/usr/sbin/nologin' : '/bin/false';
  const argv = [
    'useradd',
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    shell,
    '--comment',
    comment,
    user,
  ];
  return mode === 'root' ? argv : ['sudo', '-n', '--', ...argv];
}
