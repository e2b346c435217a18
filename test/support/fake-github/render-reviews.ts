// Reviews, review comments and commit comparisons in GitHub's shapes (the `pull-request-review`,
// `review-comment`, `pull-request-review-comment` and `commit-comparison` schemas).
import type { Renderer } from './render.js';
import type { ComparisonRecord, ReviewCommentRecord, ReviewRecord } from './state-reviews.js';
import type { RepoRecord } from './state.js';

type Json = Record<string, unknown>;

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`fake:${id}`).toString('base64url')}`;
}

export function renderReview(render: Renderer, r: ReviewRecord): Json {
  const pullUrl = `${render.api}/repos/${r.repo.fullName}/pulls/${r.pullNumber}`;
  const html = `${render.html}/${r.repo.fullName}/pull/${r.pullNumber}#pullrequestreview-${r.id}`;
  return {
    id: r.id,
    node_id: nodeId('PRR', r.id),
    user: render.user(r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: render.authorAssociation(r.repo, r.user),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    ...(r.submittedAt ? { submitted_at: r.submittedAt } : {}),
    commit_id: r.commitId,
  };
}

/**
 * A review comment. GitHub documents two shapes for the same object: `review-comment` (a
 * review's comments) requires `position`, which may be null; `pull-request-review-comment`
 * (a pull request's comments, replies) types it as a plain integer, so null is left out there.
 */
export function renderReviewComment(render: Renderer, c: ReviewCommentRecord, shape: 'review' | 'pull'): Json {
  const api = `${render.api}/repos/${c.repo.fullName}`;
  const url = `${api}/pulls/comments/${c.id}`;
  const pullUrl = `${api}/pulls/${c.pullNumber}`;
  const html = `${render.html}/${c.repo.fullName}/pull/${c.pullNumber}#discussion_r${c.id}`;
  const position = c.position === null && shape === 'pull' ? {} : { position: c.position };
  return {
    url,
    pull_request_review_id: c.reviewId,
    id: c.id,
    node_id: nodeId('PRRC', c.id),
    diff_hunk: c.diffHunk,
    path: c.path,
    ...position,
    original_position: c.position ?? 1,
    commit_id: c.commitId,
    original_commit_id: c.originalCommitId,
    ...(c.inReplyToId === null ? {} : { in_reply_to_id: c.inReplyToId }),
    user: render.user(c.user),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: render.authorAssociation(c.repo, c.user),
    _links: { self: { href: url }, html: { href: html }, pull_request: { href: pullUrl } },
    reactions: render.reactionRollup(`${url}/reactions`, c.reactions),
    start_line: c.startLine,
    original_start_line: c.startLine,
    start_side: c.startSide,
    ...(c.line === null ? {} : { line: c.line, original_line: c.line }),
    side: c.side,
    subject_type: c.line === null ? 'file' : 'line',
  };
}

function renderCommit(render: Renderer, repo: RepoRecord, sha: string, message: string, parent: string | null): Json {
  const api = `${render.api}/repos/${repo.fullName}`;
  const person = { name: 'Fake Author', email: 'author@example.com', date: '2024-01-01T00:00:00Z' };
  return {
    url: `${api}/commits/${sha}`,
    sha,
    node_id: nodeId('C', Number.parseInt(sha.slice(0, 8), 16) || 0),
    html_url: `${render.html}/${repo.fullName}/commit/${sha}`,
    comments_url: `${api}/commits/${sha}/comments`,
    commit: {
      url: `${api}/git/commits/${sha}`,
      author: person,
      committer: person,
      message,
      comment_count: 0,
      tree: { sha, url: `${api}/git/trees/${sha}` },
    },
    author: null,
    committer: null,
    parents: parent ? [{ sha: parent, url: `${api}/commits/${parent}`, html_url: `${render.html}/${repo.fullName}/commit/${parent}` }] : [],
  };
}

export function renderComparison(render: Renderer, repo: RepoRecord, basehead: string, c: ComparisonRecord): Json {
  const api = `${render.api}/repos/${repo.fullName}`;
  const html = `${render.html}/${repo.fullName}/compare/${basehead}`;
  const base = renderCommit(render, repo, c.base, `Base ${c.base.slice(0, 7)}`, null);
  let parent = c.base;
  const commits = c.commits.map((k) => {
    const rendered = renderCommit(render, repo, k.sha, k.message, parent);
    parent = k.sha;
    return rendered;
  });
  const ahead = c.base === c.head ? 0 : c.commits.length;
  const status = ahead === 0 ? (c.behindBy === 0 ? 'identical' : 'behind') : c.behindBy === 0 ? 'ahead' : 'diverged';
  return {
    url: `${api}/compare/${basehead}`,
    html_url: html,
    permalink_url: `${render.html}/${repo.fullName}/compare/${repo.owner.login}:${c.base}...${repo.owner.login}:${c.head}`,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: base,
    merge_base_commit: base,
    status,
    ahead_by: ahead,
    behind_by: c.behindBy,
    total_commits: ahead,
    commits: ahead === 0 ? [] : commits,
    files: c.files.map((f) => {
      const additions = f.additions ?? 1;
      const deletions = f.deletions ?? 0;
      const blob = `${render.html}/${repo.fullName}/blob/${c.head}/${f.filename}`;
      return {
        sha: f.status === 'removed' ? null : c.head,
        filename: f.filename,
        status: f.status ?? 'modified',
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: blob,
        raw_url: `${render.html}/${repo.fullName}/raw/${c.head}/${f.filename}`,
        contents_url: `${api}/contents/${f.filename}?ref=${c.head}`,
        ...(f.patch === undefined ? {} : { patch: f.patch }),
        ...(f.previousFilename === undefined ? {} : { previous_filename: f.previousFilename }),
      };
    }),
  };
}
