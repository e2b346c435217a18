// Publishing the plan: one commit holding exactly the plan files, on top of the plan branch as
// origin has it (or the base branch for a first plan), pushed without force. When someone else
// pushes to the branch meanwhile, we rebuild on their commit and try again.

import type { GitAuth } from './auth.js';
import { BOT_AUTHOR, buildCommit, type Author, type PlanFile } from './commit.js';
import { assertTokenCannotBeRedirected } from './config-guard.js';
import { GitCommandError, PublishError } from './errors.js';
import { foreignCommits, previousRevision } from './history.js';
import { withRevisionTrailer } from '../plan/revisions.js';
import { fetchHeads, readRemoteHeads, remoteBranchHead, REMOTE } from './remote.js';
import { GitRepo } from './repo.js';
import { validateBranchName, validatePlanPath } from './validate.js';

export interface PublishOptions {
  /** The checkout (any directory inside it). Its index and work tree are left as they are. */
  workdir: string;
  /** Short name of the plan branch, e.g. `wild-plan/issue-12`. */
  branch: string;
  /** Branch a new plan branch starts from; origin's default branch when absent. */
  baseBranch?: string;
  /** The files to commit, paths relative to the repository root. Nothing else is committed. */
  files: PlanFile[];
  message: string;
  /** Author and committer; github-actions[bot] by default. */
  author?: Author;
  /** Token for https remotes; not needed for local or file:// remotes. */
  token?: string;
  /** GITHUB_SERVER_URL; the token is only ever sent to this origin. Default https://github.com. */
  serverUrl?: string;
  /** Build the commit but do not push it. */
  dryRun?: boolean;
  /** Tries when the branch moves during the push. Default 3. */
  maxAttempts?: number;
  /** Progress lines for the action log (no secrets in them). */
  log?: (line: string) => void;
  /**
   * Number plan commits as revisions (a `Wild-Plan-Revision: N` trailer) and read the previous
   * revision's tasks file at this path, so the caller can say what changed: from the branch, not
   * from memory.
   */
  revisions?: { tasksPath: string };
}

/** The plan as the branch held it before this publish. */
export interface PreviousRevision {
  revision: number;
  /** The tasks file at the branch head; null when the head holds none. */
  tasks: string | null;
}

export interface PublishResult {
  branch: string;
  /**
   * The commit holding the plan at the branch head: the new commit (pushed, or built only in a
   * dry run), or the existing head when the files were already there. Null when nothing was
   * committed and the branch does not exist (the base branch already holds these exact files).
   */
  commitSha: string | null;
  /** Base branch head on origin at the time of publishing. */
  baseSha: string;
  baseBranch: string;
  /** The branch did not exist on origin and this publish creates it (or would, in a dry run). */
  created: boolean;
  /** False when the files were already identical on the branch: no empty commit is made. */
  changed: boolean;
  pushed: boolean;
  /** Push attempts made (0 when nothing needed pushing). */
  attempts: number;
  /** Commits on the branch by someone other than `author`, kept underneath ours. */
  humanCommits: string[];
  /** With `revisions`: the revision the branch head now holds (the new commit's, or the previous one's when unchanged). */
  revision?: number;
  /** With `revisions`: what the branch held before, when it existed. */
  previous?: PreviousRevision;
}

export async function publishPlan(options: PublishOptions): Promise<PublishResult> {
  const branch = validateBranchName(options.branch);
  if (options.baseBranch !== undefined) validateBranchName(options.baseBranch);
  const files = checkFiles(options.files);
  if (options.message.trim() === '') throw new PublishError('invalid-input', 'The commit message is empty.');
  const author = options.author ?? BOT_AUTHOR;
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new PublishError('invalid-input', `maxAttempts must be a positive integer, got ${maxAttempts}.`);
  }
  const log = options.log ?? (() => {});
  const auth: GitAuth | undefined = options.token ? { token: options.token, serverUrl: options.serverUrl } : undefined;
  const repo = GitRepo.open(options.workdir, { auth });
  if (auth) await assertTokenCannotBeRedirected(repo);

  let baseBranch = options.baseBranch;
  for (let attempt = 1; ; attempt++) {
    const heads = await readRemoteHeads(repo, branch, baseBranch);
    baseBranch = heads.baseBranch;
    log(`Fetching ${baseBranch}${heads.branchSha ? ` and ${branch}` : ''} from ${REMOTE}`);
    const { baseSha, branchSha } = await fetchHeads(repo, baseBranch, heads.branchSha ? branch : null);
    const parent = branchSha ?? baseSha;
    const humanCommits = branchSha ? await foreignCommits(repo, branchSha, baseSha, author.email) : [];
    const previous =
      options.revisions && branchSha
        ? await previousRevision(repo, branchSha, baseSha, author.email, options.revisions.tasksPath)
        : undefined;
    const revision = options.revisions ? (previous?.revision ?? 0) + 1 : undefined;
    const message = revision === undefined ? options.message : withRevisionTrailer(options.message, revision);
    const { commit } = await buildCommit(repo, { parent, files, message, author });
    const result = { branch, baseBranch, baseSha, created: branchSha === null, humanCommits, revision, previous };

    if (commit === null) {
      log(`The plan files on ${branchSha ? branch : baseBranch} already match; nothing to commit`);
      const unchanged = previous ? previous.revision : undefined;
      return { ...result, revision: unchanged, created: false, commitSha: branchSha, changed: false, pushed: false, attempts: attempt - 1 };
    }
    if (options.dryRun) {
      log(`Dry run: would push ${commit} to ${branch} (parent ${parent})`);
      return { ...result, commitSha: commit, changed: true, pushed: false, attempts: attempt - 1 };
    }

    log(`Pushing ${commit} to ${branch} (attempt ${attempt} of ${maxAttempts})`);
    try {
      // No force, no lease needed: origin itself refuses anything that is not a fast-forward of
      // the head it holds, and our commit's parent is the head we fetched.
      await repo.run(['push', '--no-verify', REMOTE, `${commit}:refs/heads/${branch}`], { network: true });
      return { ...result, commitSha: commit, changed: true, pushed: true, attempts: attempt };
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      const now = await remoteBranchHead(repo, branch);
      // The push may have landed even though we saw an error (a dropped connection).
      if (now === commit) return { ...result, commitSha: commit, changed: true, pushed: true, attempts: attempt };
      if (now === branchSha) {
        throw new PublishError('push-rejected', `${REMOTE} refused the push to ${branch}: ${error.stderr.trim()}`, {
          cause: error,
        });
      }
      if (attempt >= maxAttempts) {
        throw new PublishError(
          'branch-moved',
          `The plan branch ${branch} moved while publishing (${maxAttempts} attempts); re-run wild-plan.`,
          { cause: error },
        );
      }
      log(`${branch} moved to ${now ?? '(deleted)'} while pushing; rebuilding on top of it`);
    }
  }
}

function checkFiles(files: readonly PlanFile[]): PlanFile[] {
  if (files.length === 0) throw new PublishError('invalid-input', 'No plan files to publish.');
  const seen = new Set<string>();
  for (const file of files) {
    validatePlanPath(file.path);
    if (seen.has(file.path)) throw new PublishError('invalid-input', `Plan file ${file.path} is listed twice.`);
    seen.add(file.path);
  }
  return [...files];
}
