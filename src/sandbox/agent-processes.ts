// The agent user's processes: listed from /proc, signalled all at once, as root or through the
// agent user itself (we may not signal another user's processes through sudo).
import { readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import type { ProcessIsolation } from '../agent/process.js';
import { asAgent, execute, SYSTEM_PATH, type AgentAccount, type PrivilegeMode } from './privilege.js';

/** The agent user's processes: listed from /proc, signalled all at once. */
export function agentProcesses(mode: PrivilegeMode, account: AgentAccount): ProcessIsolation & { stopAll(): Promise<void> } {
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
