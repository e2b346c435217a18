// Every write to GitHub goes through here, so a dry run logs instead of writing; and the one
// status comment of a run, edited from "started" to its result.
import type { GitHubClient } from '../github/client.js';
import { acknowledgeComment, Identity, MAX_COMMENT_CHARS, postableBody, upsertMarkedComment } from '../github/comments.js';
import { upsertPullRequest } from '../github/pull-request.js';
import { renderStatusComment, STATUS_MARKER, type StatusState } from '../github/status-comment.js';
import type { Log } from '../log.js';
import { inertText } from '../security/log-safety.js';
import { neutralizeMentions } from '../security/mentions.js';
import type { ActionContext } from './context.js';

export class Writes {
  /** Wild-plan's own login, once a write of this run has shown it. */
  private readonly identity = new Identity();

  constructor(
    private readonly client: GitHubClient,
    private readonly context: ActionContext,
    private readonly dryRun: boolean,
    private readonly log: Log,
  ) {}

  async react(commentId: number) {
    if (this.dryRun) return this.log.info(`dry run: would react 👀 to comment ${commentId}`);
    this.identity.learn(await acknowledgeComment(this.client, this.context.repo, commentId, this.log));
  }

  async comment(thread: number, marker: string, body: string, knownId?: number) {
    if (this.dryRun) {
      // The body quotes untrusted text: printed inert, so no line of it is a workflow command.
      this.log.info(inertText(`dry run: would post on #${thread}:\n${body}`));
      return undefined;
    }
    return upsertMarkedComment(this.client, this.context.repo, thread, marker, body, { knownId, log: this.log, identity: this.identity });
  }

  async pullRequest(spec: Parameters<typeof upsertPullRequest>[2]) {
    if (this.dryRun) {
      this.log.info(inertText(`dry run: would open or update the pull request ${spec.head} → ${spec.base}: ${spec.title}`));
      return undefined;
    }
    // The last word on what reaches GitHub: the title and body were built to fit and to ping nobody.
    return upsertPullRequest(this.client, this.context.repo, { ...spec, title: neutralizeMentions(spec.title), body: postableBody(spec.body, MAX_COMMENT_CHARS) });
  }
}

/**
 * The one status comment on the issue, edited from "started" to its result. Updates are
 * applied one after another: a cancellation arriving while "started" is still being posted
 * must edit that comment, not post a second one beside it.
 */
export class StatusComment {
  private id: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly writes: Writes,
    private readonly thread: number | undefined,
    private readonly context: { runUrl?: string; dryRun: boolean },
  ) {}

  set(state: StatusState): Promise<void> {
    const next = this.queue.catch(() => {}).then(() => this.write(state));
    this.queue = next;
    return next;
  }

  /** set(), with a failure to update only logged: used where the run already has its result. */
  settle(state: StatusState, log: Log): Promise<void> {
    return this.set(state).catch((error: unknown) => log.warning(`could not update the status comment: ${(error as Error).message}`));
  }

  private async write(state: StatusState): Promise<void> {
    if (this.thread === undefined) return;
    const posted = await this.writes.comment(this.thread, STATUS_MARKER, renderStatusComment(state, this.context), this.id);
    this.id = posted?.id ?? this.id;
  }
}
