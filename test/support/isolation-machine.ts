// What the tests of isolated agent runs ask the machine: can it run a program as another user
// (Linux, and root or passwordless sudo), does a user exist, which processes does a uid run.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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
