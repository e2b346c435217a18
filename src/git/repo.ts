// The one place that runs git. Each command is its own process with an environment built for it
// alone (temporary index, author, token: see buildGitEnv), so nothing leaks into the next one.
//
// Why execFile and not simple-git, the library the design names: we only ever used its raw(),
// with its guards on GIT_* variables and risky config keys switched off (every one of those is
// set by buildGitEnv, to its safe value), and its completion plugin waits 50 ms after every
// command that prints nothing, unconditionally: `c && await wt(50)` in simple-git 4.0.2, and no
// option removes it. Much of what a run does prints nothing (read-tree, update-index,
// checkout-index, a fetch with nothing new), so a happy run spent about 200 ms asleep. What the
// library gave us, this runner keeps: no shell (argv goes to git as is), the whole environment
// replaced by buildGitEnv's allow-list, standard input from a buffer, failures as GitCommandError
// with secrets redacted. bench/git-plumbing.ts measures it against plain execFile.

import { execFile } from 'node:child_process';
import { authSecrets, buildGitEnv, redact, type GitAuth } from './auth.js';
import { GitCommandError } from './errors.js';

export interface RunOptions {
  /** Per-command variables (GIT_INDEX_FILE, GIT_AUTHOR_*...). */
  env?: Record<string, string>;
  /** Bytes for the command's standard input (otherwise it reads an empty one). */
  input?: Buffer;
  /** The command talks to the remote: it gets the token header, if there is a token. */
  network?: boolean;
}

export interface GitRepoOptions {
  auth?: GitAuth;
  /** Source of PATH/HOME and friends; process.env by default. */
  ambient?: NodeJS.ProcessEnv;
}

export class GitRepo {
  private constructor(
    readonly workdir: string,
    private readonly options: GitRepoOptions,
  ) {}

  static open(workdir: string, options: GitRepoOptions = {}): GitRepo {
    return new GitRepo(workdir, options);
  }

  /** Values to mask in logs (token and encoded header), empty without a token. */
  get secrets(): string[] {
    return authSecrets(this.options.auth);
  }

  /**
   * Runs `git <args>` in the work dir and returns its standard output, untrimmed. Any exit status
   * other than 0 throws GitCommandError (with `exitCode`), whether or not git printed a reason.
   */
  async run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const env = buildGitEnv({
      auth: options.network ? this.options.auth : undefined,
      extra: options.env,
      ambient: this.options.ambient,
    });
    const result = await execGit(this.workdir, args, env, options.input);
    if (result.ok) return result.stdout;
    throw new GitCommandError(args, redact(result.reason, this.secrets), result.exitCode);
  }

  /** Like run, trimmed of the trailing newline. */
  async text(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return (await this.run(args, options)).trim();
  }
}

type ExecResult = { ok: true; stdout: string } | { ok: false; reason: string; exitCode: number | null };

/** One git process: no shell, exactly `env`, output buffered whatever its size. Never rejects. */
function execGit(cwd: string, args: readonly string[], env: Record<string, string>, input: Buffer | undefined): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      [...args],
      { cwd, env, encoding: 'buffer', maxBuffer: Infinity, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout: stdout.toString('utf8') });
        if (typeof error.code === 'number') {
          // git says why on stderr; a few commands (push --porcelain and the like) on stdout.
          const reason = stderr.toString('utf8') || stdout.toString('utf8');
          return resolve({ ok: false, reason, exitCode: error.code });
        }
        // git never ran (not on PATH, the work dir is missing) or was killed by a signal.
        const why = error.signal ? `git was stopped by ${error.signal}` : `could not run git in ${cwd}: ${error.message}`;
        resolve({ ok: false, reason: `${stderr.toString('utf8')}${why}`, exitCode: null });
      },
    );
    // EPIPE when git exits before reading all of its input: the exit status above says why.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}
