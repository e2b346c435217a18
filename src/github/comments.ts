import type { Log } from '../log.js';
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';
import { neutralizeMentions } from '../security/mentions.js';
import { truncateAtLine } from '../text/truncate.js';

/** GitHub rejects comment (and pull request) bodies longer than this, in characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface PostedComment {
  id: number;
  url: string;
  created: boolean;
}

interface CommentUser {
  login: string;
  type?: string;
}

/** The part of a listed comment the sticky lookup reads. */
export interface ListedComment {
  id: number;
  body?: string | null;
  user?: CommentUser | null;
  html_url: string;
}

/**
 * Who wild-plan is on GitHub, learned from what it wrote in this run (the status comment it
 * created, the 👀 it added): the token's own login. Unknown until then; a workflow token cannot
 * ask (`GET /user` is refused to installation tokens).
 */
export class Identity {
  login: string | undefined;

  learn(user: CommentUser | null | undefined): void {
    if (user?.login && this.login === undefined) this.login = user.login;
  }
}

/**
 * Which marked comment is wild-plan's, of those starting with the marker (oldest first):
 *
 * - once wild-plan's own login is known, only comments by that login: a marked comment by
 *   anyone else is theirs, never edited or deleted;
 * - before that (the first lookup of a run), only comments by Bot accounts: wild-plan runs as
 *   `github-actions[bot]` or an App by default, and anyone who can comment can also type the
 *   marker, so a person's marked comment is never taken for ours. (With a personal token
 *   wild-plan posts as a User: its first lookup then finds nothing and posts, learns its login
 *   from that, and `upsertMarkedComment`'s check for an older comment by the same login folds
 *   the new one back into the old.)
 *
 * Of the eligible comments the oldest wins, so concurrent runs agree on the same one.
 */
export function chooseSticky<C extends ListedComment>(comments: readonly C[], marker: string, self?: string): C | null {
  const eligible = (c: C) => (self !== undefined ? c.user?.login === self : c.user?.type === 'Bot');
  let best: C | null = null;
  for (const c of comments) {
    if (!(c.body ?? '').startsWith(marker) || !eligible(c)) continue;
    if (best === null || c.id < best.id) best = c;
  }
  return best;
}

/**
 * Wild-plan's marked comment on a thread (see chooseSticky), or null. Comments are paged, oldest
 * first: a busy issue keeps the sticky comment past the first page, and the first eligible
 * comment found is the oldest.
 */
export async function findMarkedComment(client: GitHubClient, repo: RepoRef, issueNumber: number, marker: string, self?: string) {
  for await (const page of client.paginate.iterator(client.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  })) {
    const found = chooseSticky(page.data, marker, self);
    if (found) return found;
  }
  return null;
}

/**
 * A body as GitHub accepts it from wild-plan: mentions neutralised (nobody is pinged by text
 * wild-plan quotes) and within the size limit. Renderers fit their own budget first; the cut
 * here is the last resort and keeps whole lines.
 */
export function postableBody(body: string, limit = MAX_COMMENT_CHARS): string {
  return truncateAtLine(neutralizeMentions(body), limit, { ellipsis: "\n\n_…cut to fit GitHub's size limit; see the run log._" });
}

export interface UpsertOptions {
  /** The comment this run already posted (or adopted) on the thread, or found there before. */
  knownId?: number;
  /**
   * Look for the marked comment before creating one (default true). False when the caller
   * knows there is none to find: the thread has no comments (an issue GitHub reported with
   * none, a pull request this run opened) or the caller has looked already.
   */
  find?: boolean;
  log?: Log;
  /** Wild-plan's login as far as this run knows it; filled in from the comments it creates. */
  identity?: Identity;
}

/**
 * Creates the marked comment or edits it in place, so re-runs never add a second one.
 * A comment deleted by a person since it was found (edit → 404) is posted anew. After creating
 * one, the thread is read again (keepOldestMarked), so two runs on one issue end with one.
 */
export async function upsertMarkedComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
  options: UpsertOptions = {},
): Promise<PostedComment> {
  const shared = { ...options, identity: options.identity ?? new Identity() }; // learned by the creation, used by the read
  const posted = await putMarkedComment(client, repo, issueNumber, marker, body, shared);
  return posted.created ? keepOldestMarked(client, repo, issueNumber, marker, posted, body, shared) : posted;
}

/** upsertMarkedComment without the read after creating: the caller runs keepOldestMarked itself. */
export async function putMarkedComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
  options: UpsertOptions = {},
): Promise<PostedComment> {
  if (!body.startsWith(marker)) throw new Error('a sticky comment body must start with its marker');
  const text = postableBody(body);
  const identity = options.identity ?? new Identity();
  const id =
    options.knownId ??
    (options.find === false ? undefined : (await findMarkedComment(client, repo, issueNumber, marker, identity.login))?.id);
  if (id !== undefined) {
    const edited = await editComment(client, repo, id, text);
    if (edited) return edited;
    options.log?.info(`comment ${id} is gone (deleted?); posting a new one`);
  }
  const { data } = await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: text });
  identity.learn(data.user);
  return { id: data.id, url: data.html_url, created: true };
}

/**
 * After creating a marked comment: the thread read again. When a concurrent run (or an earlier
 * one) already has an older marked comment by the same login, that one is kept, edited to
 * `body`, and ours deleted. Of two runs that both created one, the newer sees the older (it
 * reads after its own creation) and the older keeps its own, so exactly one deletes. This read
 * is the one a first plan cannot do without: the only trace of a concurrent run that never
 * reaches publishing is its comment on the thread.
 */
export async function keepOldestMarked(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  created: PostedComment,
  body: string,
  options: UpsertOptions = {},
): Promise<PostedComment> {
  const login = options.identity?.login;
  if (!login) return created;
  const first = await findMarkedComment(client, repo, issueNumber, marker, login);
  if (!first || first.id >= created.id) return created;
  options.log?.info(
    `comment ${first.id} already holds this on #${issueNumber} (a concurrent or earlier run); keeping it and removing ours (${created.id})`,
  );
  try {
    await client.rest.issues.deleteComment({ ...repo, comment_id: created.id });
  } catch (error) {
    options.log?.warning(`could not remove the duplicate comment ${created.id}: ${(error as Error).message}`);
    return created;
  }
  const text = postableBody(body);
  const adopted = await editComment(client, repo, first.id, text);
  if (adopted) return adopted;
  // The older one vanished between the two requests: ours is gone too, so post once more.
  const { data: again } = await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: text });
  return { id: again.id, url: again.html_url, created: true };
}

/** Edits a comment; null when it no longer exists (404). */
async function editComment(client: GitHubClient, repo: RepoRef, id: number, body: string): Promise<PostedComment | null> {
  try {
    const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: id, body });
    return { id: data.id, url: data.html_url, created: false };
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}

/** 👀 on the comment that asked for a plan: seen, working on it. Best effort; who reacted, when it worked. */
export async function acknowledgeComment(client: GitHubClient, repo: RepoRef, commentId: number, log?: Log): Promise<CommentUser | null> {
  try {
    const { data } = await client.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content: 'eyes' });
    return data.user ?? null;
  } catch (error) {
    log?.warning(`could not react to comment ${commentId}: ${(error as Error).message}`);
    return null;
  }
}
