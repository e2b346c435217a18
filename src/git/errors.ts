// Errors the git adapter throws. Messages are written for the person reading the action log:
// what went wrong and what to do next. They never carry a credential (see redact in auth.ts).

export type PublishErrorCode =
  /** A plan file path or the branch name is not acceptable. */
  | 'invalid-input'
  /** origin has no default branch we can see and no baseBranch was given. */
  | 'no-base-branch'
  /** The plan branch kept moving under us for every attempt. */
  | 'branch-moved'
  /** origin refused the push for a reason other than the branch moving (permissions, protection). */
  | 'push-rejected'
  /** The repository's own git config would redirect the token somewhere else. */
  | 'unsafe-config';

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly code: PublishErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A git command exited with an error. `stderr` is already redacted. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    /** The git subcommand and its arguments (never contains a secret: secrets travel in env). */
    readonly args: readonly string[],
    readonly stderr: string,
    /** git's exit status; null when git did not run or was stopped by a signal. */
    readonly exitCode: number | null = null,
  ) {
    super(`git ${args.find((arg) => !arg.startsWith('-')) ?? ''} failed: ${stderr.trim() || '(no output)'}`);
  }
}
