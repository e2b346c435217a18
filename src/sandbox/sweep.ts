// Agent CLIs start their tool commands in new sessions or process groups, and a command
// like `(server &)` or `setsid …` leaves a process no group signal reaches. Every process
// of a run inherits one tagged variable; after the run, whatever still carries the tag is
// stopped. Linux only (/proc); elsewhere the process-group stop is all there is.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const RUN_TAG_ENV = 'WILD_PLAN_RUN_ID';

export function newRunTag(): string {
  return randomBytes(12).toString('hex');
}

/** Pids of live processes whose environment holds `name=value` (never this process). */
export function taggedProcesses(name: string, value: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = `${name}=${value}`;
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue; // already dead, waiting to be reaped
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) pids.push(Number(entry));
    } catch {
      // exited while we looked, or not ours to read (then not ours to stop either)
    }
  }
  return pids;
}

/** SIGTERM what carries the tag, SIGKILL what is left after `graceMs`; returns how many were found. */
export async function stopTagged(name: string, value: string, graceMs: number): Promise<number> {
  const found = taggedProcesses(name, value);
  if (found.length === 0) return 0;
  signal(found, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(50);
    if (taggedProcesses(name, value).length === 0) return found.length;
  }
  signal(taggedProcesses(name, value), 'SIGKILL');
  return found.length;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone already
    }
  }
}
