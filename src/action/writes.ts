// Every write to GitHub goes through here, so a dry run logs instead of writing; and the one
// status comment of a run, edited from "started" to its result.
import type { GitHubClient } from '../github/client.js';
import {
  acknowledgeComment,
  findMarkedComment,
  Identity,
  keepOldestMarked,
  MAX_COMMENT_CHARS,
  postableBody,
  putMarkedComment,
  upsertMarkedComment,
  type PostedComment,
} from '../github/comments.js';
import { upsertPullRequest, type PullRequestSpec } from '../github/pull-request.js';
import {
  readPlanCommentRecord,
  renderStatusComment,
  STATUS_MARKER,
  type PlanCommentRecord,
  type StatusState,
} from '../github/status-comment.js';
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

  /** Wild-plan's marked comment on a thread, read before writing it (none in a dry run, which writes none). */
  async findComment(thread: number, marker: string) {
    if (this.dryRun) return null;
    return findMarkedComment(this.client, this.context.repo, thread, marker, this.identity.login);
  }

  /**
   * The marked comment posted or edited: `knownId` is edited in place; without it the thread is
   * searched first unless `find` is false (nothing there to find, or the caller has looked).
   */
  async comment(thread: number, marker: string, body: string, where: { knownId?: number; find?: boolean } = {}) {
    if (this.dryRun) {
      // The body quotes untrusted text: printed inert, so no line of it is a workflow command.
      this.log.info(inertText(`dry run: would post on #${thread}:\n${body}`));
      return undefined;
    }
    return upsertMarkedComment(this.client, this.context.repo, thread, marker, body, { ...where, log: this.log, identity: this.identity });
  }

  /**
   * comment(), without the read after creating one: the caller runs keepOldest when it can
   * wait for it (the status comment, whose "planning" must not hold the agent back).
   */
  async putComment(thread: number, marker: string, body: string, where: { knownId?: number; find?: boolean } = {}) {
    if (this.dryRun) return this.comment(thread, marker, body, where);
    return putMarkedComment(this.client, this.context.repo, thread, marker, body, { ...where, log: this.log, identity: this.identity });
  }

  /** See keepOldestMarked. A failure is logged, not thrown: at worst the thread keeps a duplicate. */
  async keepOldest(thread: number, marker: string, created: PostedComment, body: string): Promise<PostedComment> {
    try {
      return await keepOldestMarked(this.client, this.context.repo, thread, marker, created, body, {
        log: this.log,
        identity: this.identity,
      });
    } catch (error) {
      this.log.warning(`could not check #${thread} for an older copy of comment ${created.id}: ${(error as Error).message}`);
      return created;
    }
  }

  /**
   * A reply in the thread of review comment `commentId`, unless one carrying `marker` is there
   * already (a re-run of the same job answers once).
   */
  async replyOnce(pullNumber: number, commentId: number, marker: string, body: string): Promise<void> {
    if (this.dryRun) return this.log.info(inertText(`dry run: would reply to review comment ${commentId}:\n${body}`));
    const { repo } = this.context;
    const existing = await this.client.paginate(this.client.rest.pulls.listReviewComments, {
      ...repo,
      pull_number: pullNumber,
      per_page: 100,
    });
    if (existing.some((c) => c.body.includes(marker) && (c.in_reply_to_id === commentId || c.id === commentId))) {
      return this.log.info(`review comment ${commentId} already has wild-plan's reply; not answering twice`);
    }
    await this.client.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: pullNumber,
      comment_id: commentId,
      body: postableBody(neutralizeMentions(body)),
    });
  }

  /** `headCreated`: this run's push created the head branch, so no pull request from it exists yet. */
  async pullRequest(spec: PullRequestSpec, options: { headCreated?: boolean } = {}) {
    if (this.dryRun) {
      this.log.info(inertText(`dry run: would open or update the pull request ${spec.head} → ${spec.base}: ${spec.title}`));
      return undefined;
    }
    // The last word on what reaches GitHub: the title and body were built to fit and to ping nobody.
    const fitted = { ...spec, title: neutralizeMentions(spec.title), body: postableBody(spec.body, MAX_COMMENT_CHARS) };
    return upsertPullRequest(this.client, this.context.repo, fitted, options);
  }
}

/**
 * The one status comment on the issue, edited from "started" to its result. Updates are
 * applied one after another: a cancellation arriving while "started" is still being posted
 * must edit that comment, not post a second one beside it.
 *
 * Its first write looks for an earlier run's status comment (unless the thread is known to
 * have no comments at all) and reads the plan comment record it carries; every write carries
 * the record on, so a run that fails does not lose it.
 */
export class StatusComment {
  private id: number | undefined;
  private looked = false;
  private record: PlanCommentRecord | undefined;
  /** The state last written: what an older comment adopted in place of ours is edited to say. */
  private lastState: StatusState | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly writes: Writes,
    private readonly thread: number | undefined,
    private readonly context: { runUrl?: string; dryRun: boolean; threadEmpty?: boolean },
  ) {}

  /** The plan comment as the last run that published left it, or as this run has since. */
  get planComment(): PlanCommentRecord | undefined {
    return this.record;
  }

  /** Where this run left the plan comment: carried by the writes that follow. */
  rememberPlanComment(record: PlanCommentRecord | undefined): void {
    if (record) this.record = record;
  }

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
    const thread = this.thread;
    if (thread === undefined) return;
    if (!this.looked && this.id === undefined) {
      const found = this.context.threadEmpty ? null : await this.writes.findComment(thread, STATUS_MARKER);
      this.id = found?.id;
      this.record = readPlanCommentRecord(found?.body) ?? undefined;
      this.looked = true;
    }
    this.lastState = state;
    // The text as of when it is sent: an older comment adopted below says the latest state.
    const body = () =>
      renderStatusComment(this.lastState ?? state, { runUrl: this.context.runUrl, dryRun: this.context.dryRun, planComment: this.record });
    const posted = await this.writes.putComment(thread, STATUS_MARKER, body(), { knownId: this.id, find: false });
    if (!posted) return;
    this.id = posted.id;
    // A comment this run created: is an older one already there (a concurrent run's)? Checked
    // next in the queue, so the write resolves (and the agent may start) as soon as it is posted.
    if (posted.created) {
      this.queue = this.queue
        .catch(() => {})
        .then(async () => {
          this.id = (await this.writes.keepOldest(thread, STATUS_MARKER, posted, body())).id;
        });
    }
  }
}
