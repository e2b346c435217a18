// The one place that runs git. Each command gets a fresh simple-git instance so its environment
// (temporary index, author, token) belongs to that command alone and cannot leak into the next.

import { simpleGit } from 'simple-git';
import { authSecrets, buildGitEnv, redact, type GitAuth } from './auth.js';
import { GitCommandError } from './errors.js';

export interface RunOptions {
  /** Per-command variables (GIT_INDEX_FILE, GIT_AUTHOR_*...). */
  env?: Record<string, string>;
  /** Bytes for the command's standard input. */
  input?: Buffer;
  /** The command talks to the remote: it gets the token header, if there is a token. */
  network?: boolean;
}

export interface GitRepoOptions {
  auth?: GitAuth;
  /** Source of PATH/HOME and friends; process.env by default. */
  ambient?: NodeJS.ProcessEnv;
}

/**
 * simple-git refuses GIT_* variables and risky config keys unless told otherwise. Ours are all
 * set by us (see buildGitEnv), and the risky keys are set to their *safe* values: hooks and
 * fsmonitor off, credential helpers cleared, ext:: transport forbidden.
 */
const UNSAFE_WE_SET = {
  allowUnsafeConfigEnvCount: true,
  allowUnsafeHooksPath: true,
  allowUnsafeFsMonitor: true,
  allowUnsafeCredentialHelper: true,
  allowUnsafeProtocolOverride: true,
} as const;

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

  /** Runs `git <args>` in the work dir and returns its standard output, untrimmed. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    const env = buildGitEnv({
      auth: options.network ? this.options.auth : undefined,
      extra: options.env,
      ambient: this.options.ambient,
    });
    const input = options.input;
    try {
      const git = simpleGit({
        baseDir: this.workdir,
        config: [],
        allowEnvironment: Object.keys(env),
        unsafe: UNSAFE_WE_SET,
        ...(input ? { input: () => input } : {}),
      }).env(env);
      return await git.raw([...args]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new GitCommandError(args, redact(message, this.secrets));
    }
  }

  /** Like run, trimmed of the trailing newline. */
  async text(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return (await this.run(args, options)).trim();
  }
}
