// Lending the workspace to the agent's user for one run, and taking it back.
//
// Everything but `.git` is chowned to the agent, so it can edit files and write tasks.md as
// itself. `.git` stays with its owner: the agent can read history and run `git status`
// (git is told the directory is safe through its environment, see isolation.ts), but cannot
// plant hooks, config or refs for the git commands we run after it, with the token.
//
// Taking it back: everything the agent owns — whatever it created, wherever — goes to the
// workspace's owner, then the few entries that had another owner get theirs back. GNU chown
// and find, run as root: the agent may have left directories we could not even list.
// Symbolic links are never followed (-P -h), and by then no agent process is left to swap
// a directory for a link under us.
import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { HelperCommandError, runAsRoot, type AgentAccount, type PrivilegeMode } from './privilege.js';

export interface WorkspaceLoan {
  /** The workspace, symbolic links resolved. */
  workspace: string;
  /** Gives everything back; call only once no agent process is left. */
  restore(): Promise<void>;
}

interface Owner {
  uid: number;
  gid: number;
}

/** Keeps each chown/chmod command line well under the kernel's argument limit. */
const MAX_ARGS_BYTES = 64 * 1024;

export async function lendWorkspace(mode: PrivilegeMode, agent: AgentAccount, workspaceDir: string): Promise<WorkspaceLoan> {
  const workspace = await realpath(workspaceDir);
  const root = await lstat(workspace);
  const owner: Owner = { uid: root.uid, gid: root.gid };
  const exceptions = await otherOwners(mode, workspace, owner);
  const entries = (await readdir(workspace)).filter((name) => name !== '.git').map((name) => path.join(workspace, name));
  const ancestors: Array<{ dir: string; mode: number }> = [];
  try {
    await openAncestors(mode, workspace, ancestors);
    await runAsRoot(mode, ['chown', '-h', `${agent.uid}:${agent.gid}`, '--', workspace]);
    for (const chunk of chunks(entries)) await runAsRoot(mode, ['chown', '-R', '-P', '-h', `${agent.uid}:${agent.gid}`, '--', ...chunk]);
  } catch (error) {
    await giveBack(mode, agent, workspace, owner, exceptions, ancestors).catch(() => {});
    throw error;
  }
  return { workspace, restore: () => giveBack(mode, agent, workspace, owner, exceptions, ancestors) };
}

async function giveBack(
  mode: PrivilegeMode,
  agent: AgentAccount,
  workspace: string,
  owner: Owner,
  exceptions: ReadonlyMap<string, string[]>,
  ancestors: ReadonlyArray<{ dir: string; mode: number }>,
): Promise<void> {
  const problems: string[] = [];
  const attempt = async (argv: string[], tolerateMissing = false) => {
    try {
      await runAsRoot(mode, argv);
    } catch (error) {
      // The agent may have deleted an entry we lent it: nothing to give back then.
      const missing = (line: string) => line.trim() === '' || /No such file or directory/.test(line);
      if (tolerateMissing && error instanceof HelperCommandError && error.stderr.split('\n').every(missing)) return;
      problems.push((error as Error).message);
    }
  };
  // Entries that had their own owner first, while --from still tells them apart.
  for (const [ids, paths] of exceptions) {
    for (const chunk of chunks(paths)) await attempt(['chown', '-h', `--from=${agent.uid}`, ids, '--', ...chunk], true);
  }
  await attempt(['chown', '-R', '-P', '-h', `--from=${agent.uid}`, `${owner.uid}:${owner.gid}`, '--', workspace]);
  for (const { dir, mode: original } of [...ancestors].reverse()) await attempt(['chmod', (original & 0o7777).toString(8), '--', dir]);
  if (problems.length > 0) throw new Error(`could not give the workspace back to uid ${owner.uid}: ${problems.join('; ')}`);
}

/** Entries under the workspace (not in .git) whose owner differs from the workspace's: "uid:gid" → paths. */
async function otherOwners(mode: PrivilegeMode, workspace: string, owner: Owner): Promise<Map<string, string[]>> {
  const gitDir = path.join(escapeFindPattern(workspace), '.git');
  const out = await runAsRoot(mode, [
    'find',
    workspace,
    '-path',
    gitDir,
    '-prune',
    '-o',
    '(',
    '!',
    '-user',
    String(owner.uid),
    '-o',
    '!',
    '-group',
    String(owner.gid),
    ')',
    '-printf',
    '%U:%G %p\\0',
  ]);
  const byOwner = new Map<string, string[]>();
  for (const record of out.split('\0')) {
    const space = record.indexOf(' ');
    if (space < 0) continue;
    const ids = record.slice(0, space);
    byOwner.set(ids, [...(byOwner.get(ids) ?? []), record.slice(space + 1)]);
  }
  return byOwner;
}

/**
 * Opens every directory above `target` that others cannot traverse (a 0750 home, say) with
 * o+x — traverse only, no listing — recording in `changed` the modes to put back.
 *
 * Known limit: two runs at once under the same closed directory each see what the other left;
 * the one that opened it puts its mode back when it ends, possibly while the other still runs.
 */
export async function openAncestors(mode: PrivilegeMode, target: string, changed: Array<{ dir: string; mode: number }>): Promise<void> {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const stat = await lstat(dir);
    if ((stat.mode & 0o001) === 0) {
      await runAsRoot(mode, ['chmod', 'o+x', '--', dir]);
      changed.push({ dir, mode: stat.mode });
    }
    if (dir === path.dirname(dir)) return;
  }
}

function escapeFindPattern(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function chunks(paths: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const p of paths) {
    if (current.length > 0 && size + p.length + 1 > MAX_ARGS_BYTES) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(p);
    size += p.length + 1;
  }
  if (current.length > 0) out.push(current);
  return out;
}
