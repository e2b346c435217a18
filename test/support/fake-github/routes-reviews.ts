// Pull request reviews and their inline comments: list and get reviews, list a review's or a
// pull request's comments, reply to a comment, react to one; and comparing two commits.
import { paginate } from './pagination.js';
import { renderComparison, renderReview, renderReviewComment } from './render-reviews.js';
import { notFound, ok, validationFailed, type Reply } from './replies.js';
import { react } from './routes-issues.js';
import {
  MAX_BODY_CHARS,
  ReplyError,
  bodyOf,
  charLength,
  findIssue,
  findRepo,
  requireRole,
  type Handler,
  type RouteContext,
} from './route-context.js';
import type { ReviewCommentRecord, ReviewRecord } from './state-reviews.js';
import type { IssueRecord, RepoRecord } from './state.js';

function paged<T>(ctx: RouteContext, all: T[], render: (item: T) => unknown): Reply {
  const page = paginate(all, ctx.query, ctx.selfUrl);
  return ok(page.items.map(render), 200, page.link ? { link: page.link } : undefined);
}

/** Pending reviews (and their comments) are visible to their author only. */
function visible(ctx: RouteContext, review: ReviewRecord | undefined): boolean {
  return review !== undefined && (review.state !== 'PENDING' || review.user === ctx.actor);
}

function findReview(ctx: RouteContext, pull: IssueRecord): ReviewRecord {
  const review = ctx.state.reviews.reviews.get(Number(ctx.params.review_id));
  if (!review || review.repo !== pull.repo || review.pullNumber !== pull.number || !visible(ctx, review)) {
    throw new ReplyError(notFound(ctx.docUrl));
  }
  return review;
}

function findReviewComment(ctx: RouteContext, repo: RepoRecord, pull?: IssueRecord): ReviewCommentRecord {
  const comment = ctx.state.reviews.comments.get(Number(ctx.params.comment_id));
  const review = comment ? ctx.state.reviews.reviews.get(comment.reviewId) : undefined;
  if (!comment || comment.repo !== repo || (pull && comment.pullNumber !== pull.number) || !visible(ctx, review)) {
    throw new ReplyError(notFound(ctx.docUrl));
  }
  return comment;
}

function sortComments(ctx: RouteContext, comments: ReviewCommentRecord[]): ReviewCommentRecord[] {
  const { sort, direction, since } = ctx.query;
  const after = since ? Date.parse(since) : undefined;
  const kept = comments.filter((c) => after === undefined || Date.parse(c.updatedAt) >= after);
  if (sort === undefined) return kept;
  const key = (c: ReviewCommentRecord): number => (sort === 'updated' ? Date.parse(c.updatedAt) : Date.parse(c.createdAt)) * 1e6 + c.id;
  const sorted = kept.sort((a, b) => key(a) - key(b));
  return direction === 'desc' ? sorted.reverse() : sorted;
}

/** GitHub routes `compare/{basehead}` and the older `compare/{base}...{head}` alike. */
function basehead(ctx: RouteContext): string {
  return ctx.params.basehead ?? `${ctx.params.base ?? ''}...${ctx.params.head ?? ''}`;
}

/** `main...feature`, `octo:main...octo:feature`, or shas: the two commits, or GitHub's 404. */
async function resolveBasehead(ctx: RouteContext, repo: RepoRecord): Promise<{ base: string; head: string; names: [string, string] }> {
  const parts = basehead(ctx).split('...');
  if (parts.length !== 2) throw new ReplyError(notFound(ctx.docUrl));
  const names = parts.map((p) => p.slice(p.lastIndexOf(':') + 1)) as [string, string];
  const resolve = async (ref: string): Promise<string | undefined> =>
    (await ctx.state.branchSha(repo, ref)) ?? (/^[0-9a-f]{7,40}$/.test(ref) ? ref : undefined);
  const [base, head] = await Promise.all(names.map(resolve));
  if (!base || !head) throw new ReplyError(notFound(ctx.docUrl));
  return { base, head, names };
}

export const reviewRoutes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews': (ctx) => {
    const pull = findIssue(ctx, findRepo(ctx), 'pull_number');
    const reviews = ctx.state.reviews.reviewsOf(pull).filter((r) => visible(ctx, r));
    return paged(ctx, reviews, (r) => renderReview(ctx.render, r));
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}': (ctx) => {
    const pull = findIssue(ctx, findRepo(ctx), 'pull_number');
    return ok(renderReview(ctx.render, findReview(ctx, pull)));
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments': (ctx) => {
    const pull = findIssue(ctx, findRepo(ctx), 'pull_number');
    const review = findReview(ctx, pull);
    const comments = ctx.state.reviews.commentsOf(pull).filter((c) => c.reviewId === review.id);
    return paged(ctx, comments, (c) => renderReviewComment(ctx.render, c, 'review'));
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments': (ctx) => {
    const pull = findIssue(ctx, findRepo(ctx), 'pull_number');
    const comments = ctx.state.reviews.commentsOf(pull).filter((c) => visible(ctx, ctx.state.reviews.reviews.get(c.reviewId)));
    return paged(ctx, sortComments(ctx, comments), (c) => renderReviewComment(ctx.render, c, 'pull'));
  },

  'POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies': (ctx) => {
    const repo = findRepo(ctx);
    const pull = findIssue(ctx, repo, 'pull_number');
    const target = findReviewComment(ctx, repo, pull);
    requireRole(ctx, repo, 'read');
    const body = String(bodyOf<{ body: string }>(ctx).body);
    if (body.trim() === '') {
      return validationFailed(ctx.docUrl, { resource: 'PullRequestReviewComment', code: 'missing_field', field: 'body' });
    }
    if (charLength(body) > MAX_BODY_CHARS) {
      return validationFailed(ctx.docUrl, {
        resource: 'PullRequestReviewComment',
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${MAX_BODY_CHARS} characters)`,
      });
    }
    const root = target.inReplyToId === null ? target : (ctx.state.reviews.comments.get(target.inReplyToId) ?? target);
    if (root !== target) ctx.violation("replies to replies are not supported by GitHub; reply to the thread's first comment");
    // GitHub files each reply under a new COMMENTED review by the replier.
    const review = ctx.state.reviews.addReview(pull, { user: { login: ctx.actor.login }, commitId: root.commitId });
    const reply = ctx.state.reviews.addComment(
      review,
      {
        path: root.path,
        body,
        user: { login: ctx.actor.login },
        commitId: root.commitId,
        diffHunk: root.diffHunk,
        position: root.position,
        ...(root.line === null ? {} : { line: root.line }),
        side: root.side,
      },
      root,
    );
    const rendered = renderReviewComment(ctx.render, reply, 'pull');
    return ok(rendered, 201, { location: String(rendered.url) });
  },

  'POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions': (ctx) => {
    const repo = findRepo(ctx);
    const comment = findReviewComment(ctx, repo);
    requireRole(ctx, repo, 'read');
    return react(ctx, comment.reactions);
  },

  'GET /repos/{owner}/{repo}/compare/{basehead}': (ctx) => compare(ctx),
  'GET /repos/{owner}/{repo}/compare/{base}...{head}': (ctx) => compare(ctx),
};

async function compare(ctx: RouteContext): Promise<Reply> {
  const repo = findRepo(ctx);
  const { base, head, names } = await resolveBasehead(ctx, repo);
  const store = ctx.state.reviews;
  const seeded = store.comparison(repo, base, head) ?? store.comparison(repo, names[0], names[1]);
  const spelled = basehead(ctx);
  if (seeded) return ok(renderComparison(ctx.render, repo, spelled, { ...seeded, base, head }));
  if (base === head) return ok(renderComparison(ctx.render, repo, spelled, { base, head, files: [], commits: [], behindBy: 0 }));
  ctx.violation(`fake-github holds no git history: seed the comparison ${names[0]}...${names[1]} with setComparison()`);
  return notFound(ctx.docUrl);
}
