// Reviews of a plan PR: the inline comments of one review, and a reply in a comment's thread.
import type { GitHubClient, RepoRef } from './client.js';

/** An inline comment as a re-plan quotes it. */
export interface InlineComment {
  id: number;
  path: string;
  /** The line it is on (the last of a range); null for an outdated or file-level comment. */
  line: number | null;
  body: string;
  /** GitHub's diff hunk, ending at the commented line. */
  diffHunk: string | null;
  /** Replies point at the comment that opened the thread. */
  inReplyTo: number | null;
}

/** Every inline comment of one review, in the order GitHub lists them. */
export async function reviewComments(client: GitHubClient, repo: RepoRef, pullNumber: number, reviewId: number): Promise<InlineComment[]> {
  const comments = await client.paginate(client.rest.pulls.listCommentsForReview, {
    ...repo,
    pull_number: pullNumber,
    review_id: reviewId,
    per_page: 100,
  });
  return comments.map((c) => ({
    id: c.id,
    path: c.path,
    line: (c as { line?: number | null }).line ?? null,
    body: c.body,
    diffHunk: c.diff_hunk,
    inReplyTo: c.in_reply_to_id ?? null,
  }));
}

/**
 * The text of the line a comment was made on: the last line of its diff hunk, which GitHub cuts
 * to end there. Read from the hunk, not the file: it is the line as the reviewer saw it, at the
 * commit the comment was made on, with no further API call.
 */
export function commentedLine(diffHunk: string | undefined | null): string | null {
  if (!diffHunk) return null;
  const last = diffHunk.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n').at(-1) ?? '';
  if (last.startsWith('@@')) return null;
  return /^[ +-]/.test(last) ? last.slice(1) : last;
}
