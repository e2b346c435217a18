// Running helper programs (useradd, chown, find, kill) with the privilege they need: as root,
// either because we are root or through passwordless sudo, or as the agent's user. Never
// through a shell, and with a minimal environment: ours holds the action's tokens
// (INPUT_*), and none of these programs needs them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface CommandOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Who we are and how we become root: directly (uid 0) or through `sudo -n`. */
export type PrivilegeMode = 'root' | 'sudo';

export interface AgentAccount {
  user: string;
  uid: number;
  gid: number;
}

/** PATH for the helpers: the usual system directories, whatever the action's PATH is. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const HELPER_ENV = { PATH: SYSTEM_PATH, LC_ALL: 'C' };

/** `env` by absolute path: under sudo, PATH is sudo's secure_path, not ours. */
export const ENV_PROGRAM = existsSync('/usr/bin/env') ? '/usr/bin/env' : '/bin/env';

/** Runs a program to completion; never rejects for a non-zero exit (see `code`). */
export function execute(argv: readonly string[], options: { uid?: number; gid?: number; input?: string } = {}): Promise<CommandOutput> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { env: HELPER_ENV, stdio: ['pipe', 'pipe', 'pipe'], uid: options.uid, gid: options.gid });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.once('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `argv` as root: as is when we are root, else through `sudo -n` (never prompts). */
export function asRoot(mode: PrivilegeMode, argv: readonly string[]): readonly string[] {
  return mode === 'root' ? argv : ['sudo', '-n', '--', ...argv];
}

/**
 * `argv` as the agent's user with exactly `env`. Root switches user in the child (setuid),
 * which also drops root's supplementary groups. Through sudo, `env -i` replaces whatever
 * environment sudo's policy would set up (SUDO_*, MAIL, its secure_path) with ours.
 */
export function asAgent(
  mode: PrivilegeMode,
  account: AgentAccount,
  argv: readonly string[],
  env: Record<string, string>,
  cwd?: string,
): { argv: string[]; env: Record<string, string>; uid?: number; gid?: number; cwd?: string } {
  if (mode === 'root') return { argv: [...argv], env, uid: account.uid, gid: account.gid };
  // `env` would take a program name holding `=` for one more assignment.
  if (argv[0]?.includes('=')) throw new Error(`cannot run \`${argv[0]}\` as ${account.user}: a program name may not contain "="`);
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  // The agent's directory is lent to it, and may be closed to us (mkdtemp's 0700): sudo starts
  // from a directory we can enter, and `env -C` moves into the agent's as the agent.
  const chdir = cwd === undefined ? [] : ['-C', cwd];
  return {
    argv: ['sudo', '-n', '-u', account.user, '--', ENV_PROGRAM, '-i', ...chdir, ...assignments, ...argv],
    env,
    ...(cwd === undefined ? {} : { cwd: '/' }),
  };
}

/** A helper program exited badly; `stderr` is its error output. */
export class HelperCommandError extends Error {
  override name = 'HelperCommandError';
  constructor(
    argv: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`\`${argv.join(' ')}\` failed (exit ${code}): ${stderr.trim() || 'no error output'}`);
  }
}

/** Runs `argv` as root and returns its output; throws HelperCommandError when it fails. */
export async function runAsRoot(mode: PrivilegeMode, argv: readonly string[]): Promise<string> {
  const full = asRoot(mode, argv);
  const result = await execute(full);
  if (result.code !== 0) throw new HelperCommandError(full, result.code, result.stderr);
  return result.stdout;
}
