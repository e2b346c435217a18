import type { Log } from '../log.js';
import type { GitHubClient, RepoRef } from './client.js';
import { statusOf } from './client.js';

/** GitHub rejects comment bodies longer than this. */
export const MAX_COMMENT_CHARS = 65_536;

export interface PostedComment {
  id: number;
  url: string;
  created: boolean;
}

/**
 * The one comment on a thread that starts with `marker`, or null. Comments are paged:
 * a busy issue keeps the sticky comment past the first page.
 */
export async function findMarkedComment(client: GitHubClient, repo: RepoRef, issueNumber: number, marker: string) {
  for await (const page of client.paginate.iterator(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 })) {
    const found = page.data.find((c) => (c.body ?? '').startsWith(marker));
    if (found) return found;
  }
  return null;
}

/**
 * Creates the marked comment or edits it in place, so re-runs never add a second one.
 * A comment deleted by a person since it was found (edit → 404) is posted anew.
 */
export async function upsertMarkedComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
  options: { knownId?: number; log?: Log } = {},
): Promise<PostedComment> {
  if (!body.startsWith(marker)) throw new Error('a sticky comment body must start with its marker');
  if (body.length > MAX_COMMENT_CHARS) throw new Error(`comment body of ${body.length} characters exceeds GitHub's ${MAX_COMMENT_CHARS}`);
  const id = options.knownId ?? (await findMarkedComment(client, repo, issueNumber, marker))?.id;
  if (id !== undefined) {
    try {
      const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: id, body });
      return { id: data.id, url: data.html_url, created: false };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      options.log?.info(`comment ${id} is gone (deleted?); posting a new one`);
    }
  }
  const { data } = await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
  return { id: data.id, url: data.html_url, created: true };
}

/** 👀 on the comment that asked for a plan: seen, working on it. Best effort. */
export async function acknowledgeComment(client: GitHubClient, repo: RepoRef, commentId: number, log?: Log): Promise<void> {
  try {
    await client.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content: 'eyes' });
  } catch (error) {
    log?.warning(`could not react to comment ${commentId}: ${(error as Error).message}`);
  }
}
