// What the tests of isolated agent runs ask the machine: can it run a program as another user
// (Linux, and root or passwordless sudo), does a user exist, which processes does a uid run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const isRoot = process.getuid?.() === 0;

/** Where prepareIsolation must isolate; elsewhere it must say it did not, and why. */
export const canIsolate = process.platform === 'linux' && (isRoot || spawnSync('sudo', ['-n', 'true']).status === 0);

/** `argv` as root (directly, or through `sudo -n`); its exit status. */
export function runAsRoot(argv: string[]): number | null {
  const result = isRoot ? spawnSync(argv[0]!, argv.slice(1)) : spawnSync('sudo', ['-n', '--', ...argv]);
  return result.status;
}

/** The user's uid, or null when there is no such user. */
export function uidOf(user: string): number | null {
  const result = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : null;
}

export function groupExists(group: string): boolean {
  return spawnSync('getent', ['group', group]).status === 0;
}

/** Live (not zombie) processes of a uid. */
export function processesOf(uid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid && !/^State:\s+[ZX]/m.test(status);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The name prepareIsolation gives a user of one run's own. */
export const RUN_USER = /^wild-agent-[0-9a-f]{8}$/;

/** Whether unprivileged user namespaces work here (util-linux unshare), as the namespace sandbox needs. */
export const canUseNamespaces =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--user', '--map-root-user', '--pid', '--fork', '--kill-child', '--mount-proc', '--', 'true']).status === 0;

/** How prepareIsolation must run the agent on this machine: a user of its own, namespaces, or neither. */
export const expectedIsolation: 'user' | 'namespace' | 'none' = canIsolate ? 'user' : canUseNamespaces ? 'namespace' : 'none';

/**
 * A directory any user may write, for an agent running as another user to leave what it saw
 * (its own workdir is a scratch copy, removed after the run). Sticky, like /tmp.
 */
export async function agentWritableDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wild-agent-report-'));
  chmodSync(dir, 0o1777);
  return dir;
}

/**
 * Every byte of a checkout that a later step of the job could use: the work tree (type, mode,
 * content or link target of each entry) and the parts of .git that run programs or pick files
 * (config, hooks, info/, the index). Objects and refs are left out: publishing the plan adds
 * objects and fetches refs, as any git command may.
 */
export async function checkoutSnapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    const full = join(root, rel);
    const stat = lstatSync(full);
    const mode = (stat.mode & 0o7777).toString(8);
    if (stat.isSymbolicLink()) out[rel] = `link ${readlinkSync(full)}`;
    else if (stat.isFile()) out[rel] = `file ${mode} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
    else if (stat.isDirectory()) {
      out[rel] = `dir ${mode}`;
      for (const name of readdirSync(full)) {
        const child = rel === '' ? name : `${rel}/${name}`;
        if (rel === '.git' && !['config', 'hooks', 'info', 'index'].includes(name)) continue;
        visit(child);
      }
    } else out[rel] = `other ${mode}`;
  };
  visit('');
  return out;
}
