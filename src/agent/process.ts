// Running an agent program: no shell, its own process group, bounded output, and a stop
// that reaches everything it started. Shared by every runner that starts a local program.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
export const DEFAULT_STDERR_TAIL_BYTES = 16 * 1024;
export const DEFAULT_KILL_GRACE_MS = 5_000;

/**
 * Keeps the last `capacity` bytes of a stream: agents print their <plan> last, so the tail
 * is what matters. Holds at most `capacity` plus one chunk, however long the stream runs.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private held = 0;
  private dropped = false;

  constructor(readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      this.dropped ||= chunk.length > this.capacity || this.held > 0;
      this.chunks = [Buffer.from(chunk.subarray(chunk.length - this.capacity))];
      this.held = this.capacity;
      return;
    }
    this.chunks.push(chunk);
    this.held += chunk.length;
    while (this.held > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.held - this.capacity;
      this.dropped = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.held -= first.length;
      } else {
        this.chunks[0] = Buffer.from(first.subarray(excess));
        this.held -= excess;
      }
    }
  }

  /** True once any byte was dropped. */
  get truncated(): boolean {
    return this.dropped;
  }

  /** Bytes currently held (never more than the capacity). */
  get size(): number {
    return this.held;
  }

  /** UTF-8 text; invalid bytes become U+FFFD instead of throwing. */
  text(): string {
    let bytes = Buffer.concat(this.chunks, this.held);
    if (this.dropped) {
      // The cut may land inside a multi-byte character: skip its continuation bytes rather
      // than open the transcript with a replacement character.
      let start = 0;
      while (start < 3 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
    }
    return bytes.toString('utf8');
  }
}

/** Thrown when the program cannot be started at all. */
export class ProcessStartError extends Error {
  override name = 'ProcessStartError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface CaptureOptions {
  /** Program and arguments; executed directly, never through a shell. */
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the program's stdin, which is then closed. */
  stdin?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  maxOutputBytes?: number;
  maxStderrBytes?: number;
  /** Names the program in error messages, e.g. "agent-command `foo`". */
  label?: string;
  /** Sees every output chunk as it arrives (a watchdog); must not throw. The kept tails are unaffected. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Runs the program as another user (see isolation.ts); stops reach all of its processes. */
  isolation?: ProcessIsolation;
}

/** How runCaptured starts a program as another user, and stops everything that user runs. */
export interface ProcessIsolation {
  /** Set in the child before exec (needs root). */
  uid?: number;
  gid?: number;
  /**
   * Or the program and environment to run instead, e.g. through sudo. A `cwd` in the result is
   * where to start it instead (the wrapper itself moves into the program's own directory).
   */
  wrap?(argv: readonly string[], env: Record<string, string>, cwd: string): { argv: string[]; env: Record<string, string>; cwd?: string };
  /**
   * Signals every process of that user, also those that left the process group (setsid)
   * and those we may not signal ourselves (through sudo).
   */
  signalAll(signal: NodeJS.Signals): Promise<void>;
  /** Whether any process of that user still runs. */
  anyRunning(): Promise<boolean>;
}

export interface CaptureResult {
  stdout: string;
  stderrTail: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  truncated: boolean;
  durationMs: number;
}

/**
 * Runs a program to completion and returns its output. On timeout or abort the whole
 * process group gets SIGTERM, then SIGKILL after the grace period; when the program exits
 * on its own, whatever it left running in its group is stopped the same way. Resolves only
 * once nothing of the group is left running. Rejects with ProcessStartError when the
 * program cannot be started; any exit, signal or timeout is reported in the result.
 */
export async function runCaptured(options: CaptureOptions): Promise<CaptureResult> {
  const [file, ...args] = options.argv;
  const label = options.label ?? `\`${file ?? ''}\``;
  if (file === undefined || file === '') throw new ProcessStartError(`${label}: empty command`, undefined);
  if (!(options.timeoutMs > 0)) throw new RangeError(`${label}: timeoutMs must be positive, got ${options.timeoutMs}`);
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const stdout = new TailBuffer(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const stderr = new TailBuffer(options.maxStderrBytes ?? DEFAULT_STDERR_TAIL_BYTES);
  const started = performance.now();
  const result = (exitCode: number | null, signal: NodeJS.Signals | null, timedOut = false, aborted = false) => ({
    stdout: stdout.text(),
    stderrTail: stderr.text(),
    exitCode,
    signal,
    timedOut,
    aborted,
    truncated: stdout.truncated,
    durationMs: Math.round(performance.now() - started),
  });
  if (options.signal?.aborted) return result(null, null, false, true);
  const isolation = options.isolation;
  const wrapped = isolation?.wrap?.(options.argv, options.env, options.cwd) ?? { argv: [file, ...args], env: options.env };
  // spawn reports a missing cwd as ENOENT of the program: tell the two apart first. (Through a
  // wrapper that moves into it, it may be a directory we cannot enter: the wrapper says so.)
  if (wrapped.cwd === undefined && !isDirectory(options.cwd)) {
    throw new ProcessStartError(`${label}: working directory ${options.cwd} does not exist`, 'ENOENT');
  }
  const child = spawn(wrapped.argv[0]!, wrapped.argv.slice(1), {
    cwd: wrapped.cwd ?? options.cwd,
    env: wrapped.env,
    uid: isolation?.uid,
    gid: isolation?.gid,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32', // a new process group, so a stop reaches grandchildren
    shell: false,
    windowsHide: true,
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(startError(error, label, file)));
  });
  const pid = child.pid!;
  liveGroups.add(pid);
  child.on('error', () => {}); // after spawn: only failed kill()s, already handled
  const tap = (stream: 'stdout' | 'stderr', tail: TailBuffer) => (chunk: Buffer) => {
    tail.push(chunk);
    options.onOutput?.(stream, chunk);
  };
  child.stdout!.on('data', tap('stdout', stdout));
  child.stderr!.on('data', tap('stderr', stderr));
  const streamsClosed = Promise.all([streamEnd(child.stdout!), streamEnd(child.stderr!)]);
  // An agent that never reads stdin, or exits first, makes this write fail with EPIPE.
  child.stdin!.on('error', () => {});
  child.stdin!.end(options.stdin ?? '');

  let stopReason: 'timeout' | 'abort' | undefined;
  let escalation: NodeJS.Timeout | undefined;
  const stop = (reason: 'timeout' | 'abort') => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    signalGroup(child, 'SIGTERM', isolation);
    escalation = setTimeout(() => signalGroup(child, 'SIGKILL', isolation), grace);
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop('abort'); // aborted while the program was starting

  try {
    const [exitCode, signal] = await exited(child);
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await stopGroup(child, grace, stopReason !== undefined, isolation);
    clearTimeout(escalation);
    // A process that left the group (setsid) may still hold the pipes open: don't wait forever.
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([streamsClosed, new Promise((resolve) => (giveUp = setTimeout(resolve, grace)))]);
    clearTimeout(giveUp);
    child.stdout!.destroy();
    child.stderr!.destroy();
    return result(exitCode, signal, stopReason === 'timeout', stopReason === 'abort');
  } finally {
    clearTimeout(timer);
    clearTimeout(escalation);
    liveGroups.delete(pid);
  }
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}

function streamEnd(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => stream.once('close', resolve).once('error', () => resolve()));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function startError(error: NodeJS.ErrnoException, label: string, file: string): ProcessStartError {
  const hints: Record<string, string> = {
    ENOENT:
      file.includes('/') || file.includes('\\')
        ? 'no such file; check the path (a relative path is resolved against the workdir)'
        : "not found on PATH; install it, or give its full path (the agent looks it up on wild-plan's own PATH)",
    EACCES:
      'permission denied: the file is not executable (chmod +x it) or is a directory; or run it through its interpreter, e.g. `node script.mjs`',
    ENOEXEC: 'not a program this system can execute; run it through its interpreter, e.g. `node script.mjs`',
  };
  const hint = (error.code && hints[error.code]) ?? error.message;
  return new ProcessStartError(`${label}: ${hint}`, error.code);
}

/** Signals every process in the child's group (and of its user, when isolated); a no-op once they are all gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals, isolation?: ProcessIsolation): void {
  // Through sudo the group's processes are not ours to signal: the isolation reaches them.
  isolation?.signalAll(signal).catch(() => {});
  const pid = child.pid;
  // kill(-0) would signal our own group: never without a real pid.
  if (pid === undefined || pid <= 0) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-pid, signal);
  } catch {
    // ESRCH: already gone. EPERM: not ours to stop; nothing more we can do.
  }
}

/** Stops what is left of the group after its leader exited, and waits until it is gone. */
async function stopGroup(child: ChildProcess, grace: number, alreadyTermed: boolean, isolation?: ProcessIsolation): Promise<void> {
  const pid = child.pid!;
  const running = async () => groupRunning(pid) || ((await isolation?.anyRunning()) ?? false);
  if (!(await running())) return;
  if (!alreadyTermed) signalGroup(child, 'SIGTERM', isolation);
  if (await waitGone(running, grace)) return;
  signalGroup(child, 'SIGKILL', isolation);
  await waitGone(running, Math.max(grace, 2_000));
}

async function waitGone(running: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (await running()) {
    if (performance.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/**
 * Whether any process of the group still runs. Killed processes linger as zombies until
 * init reaps them, and kill(-pgid, 0) counts those, so on Linux /proc is asked instead.
 */
export function groupRunning(pgid: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    process.kill(-pgid, 0);
  } catch {
    return false; // ESRCH: none left; EPERM: not ours to stop, so nothing to wait for
  }
  if (process.platform !== 'linux') return true;
  try {
    return readdirSync('/proc').some((entry) => /^\d+$/.test(entry) && runningInGroup(entry, pgid));
  } catch {
    return true;
  }
}

function runningInGroup(pid: string, pgid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ..." — comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
  } catch {
    return false; // exited while we looked
  }
}

// If the action itself dies mid-run (uncaught error, process.exit), the agent's group
// would outlive it: kill what is still running on the way out.
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
