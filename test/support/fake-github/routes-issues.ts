// Issues, issue comments (which is also how PR conversation comments work), reactions, labels.
import { paginate } from './pagination.js';
import { notFound, ok, validationFailed, errorReply, type Reply } from './replies.js';
import {
  MAX_BODY_CHARS,
  ReplyError,
  bodyOf,
  charLength,
  effectiveRole,
  findIssue,
  findRepo,
  requireRole,
  type Handler,
  type RouteContext,
} from './route-context.js';
import { roleAtLeast, type CommentRecord, type ReactionContent, type ReactionRecord } from './state.js';

function commentTooLong(ctx: RouteContext, body: string): Reply | undefined {
  if (charLength(body) <= MAX_BODY_CHARS) return undefined;
  return validationFailed(ctx.docUrl, {
    resource: 'IssueComment',
    code: 'unprocessable',
    field: 'data',
    message: `Body is too long (maximum is ${MAX_BODY_CHARS} characters)`,
  });
}

function blankComment(ctx: RouteContext, body: string): Reply | undefined {
  if (body.trim() !== '') return undefined;
  return validationFailed(ctx.docUrl, { resource: 'IssueComment', code: 'missing_field', field: 'body' });
}

/** The comment with this id in this repository; deleted or foreign comments are GitHub's 404. */
function findComment(ctx: RouteContext): CommentRecord {
  const repo = findRepo(ctx);
  const comment = ctx.state.comments.get(Number(ctx.params.comment_id));
  if (!comment || comment.repo !== repo) throw new ReplyError(notFound(ctx.docUrl));
  return comment;
}

/** Adds the actor's reaction from the request body; shared with review comments. */
export function react(ctx: RouteContext, reactions: ReactionRecord[]): Reply {
  const content = bodyOf<{ content: ReactionContent }>(ctx).content as ReactionContent;
  const existing = reactions.find((r) => r.content === content && r.user === ctx.actor);
  // The same person reacting the same way again gets the existing reaction back with 200.
  if (existing) return ok(ctx.render.reaction(existing), 200);
  const reaction: ReactionRecord = { id: ctx.state.id(), content, user: ctx.actor, createdAt: ctx.state.now() };
  reactions.push(reaction);
  return ok(ctx.render.reaction(reaction), 201);
}

function labelNames(body: unknown): string[] {
  const labels = (body as { labels?: Array<string | { name: string }> } | undefined)?.labels ?? [];
  return labels.map((l) => (typeof l === 'string' ? l : l.name));
}

export const issueRoutes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}/issues/{issue_number}': (ctx) => {
    const issue = findIssue(ctx, findRepo(ctx), 'issue_number');
    return ok(ctx.render.issue(issue));
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': (ctx) => {
    const issue = findIssue(ctx, findRepo(ctx), 'issue_number');
    const since = ctx.query.since ? Date.parse(ctx.query.since) : undefined;
    const all = ctx.state.commentsOf(issue).filter((c) => since === undefined || Date.parse(c.updatedAt) >= since);
    const page = paginate(all, ctx.query, ctx.selfUrl);
    return ok(
      page.items.map((c) => ctx.render.comment(c)),
      200,
      page.link ? { link: page.link } : undefined,
    );
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': (ctx) => {
    const repo = findRepo(ctx);
    const issue = findIssue(ctx, repo, 'issue_number');
    requireRole(ctx, repo, 'read');
    if (issue.locked && !roleAtLeast(effectiveRole(ctx, repo), 'write')) {
      return errorReply(403, 'Unable to create comment because issue is locked.', ctx.docUrl);
    }
    const body = String(bodyOf<{ body: string }>(ctx).body);
    const refusal = blankComment(ctx, body) ?? commentTooLong(ctx, body);
    if (refusal) return refusal;
    const comment = ctx.state.addComment(issue, body, ctx.actor);
    const rendered = ctx.render.comment(comment);
    return ok(rendered, 201, { location: String(rendered.url) });
  },

  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': (ctx) => ok(ctx.render.comment(findComment(ctx))),

  'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': (ctx) => {
    const comment = findComment(ctx);
    if (comment.user !== ctx.actor) requireRole(ctx, comment.repo, 'triage');
    else requireRole(ctx, comment.repo, 'read');
    const body = String(bodyOf<{ body: string }>(ctx).body);
    const refusal = blankComment(ctx, body) ?? commentTooLong(ctx, body);
    if (refusal) return refusal;
    comment.body = body;
    comment.updatedAt = ctx.state.now();
    return ok(ctx.render.comment(comment));
  },

  'DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}': (ctx) => {
    const comment = findComment(ctx);
    requireRole(ctx, comment.repo, comment.user === ctx.actor ? 'read' : 'triage');
    ctx.state.comments.delete(comment.id);
    return { status: 204 };
  },

  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': (ctx) => {
    const comment = findComment(ctx);
    requireRole(ctx, comment.repo, 'read');
    return react(ctx, comment.reactions);
  },

  'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': (ctx) => {
    const comment = findComment(ctx);
    const wanted = ctx.query.content;
    const page = paginate(
      comment.reactions.filter((r) => !wanted || r.content === wanted),
      ctx.query,
      ctx.selfUrl,
    );
    return ok(
      page.items.map((r) => ctx.render.reaction(r)),
      200,
      page.link ? { link: page.link } : undefined,
    );
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/reactions': (ctx) => {
    const repo = findRepo(ctx);
    const issue = findIssue(ctx, repo, 'issue_number');
    requireRole(ctx, repo, 'read');
    return react(ctx, issue.reactions);
  },

  'GET /repos/{owner}/{repo}/issues/{issue_number}/labels': (ctx) => {
    const repo = findRepo(ctx);
    const issue = findIssue(ctx, repo, 'issue_number');
    const page = paginate(issue.labels, ctx.query, ctx.selfUrl);
    return ok(
      page.items.map((l) => ctx.render.label(repo, l)),
      200,
      page.link ? { link: page.link } : undefined,
    );
  },

  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': (ctx) => {
    const repo = findRepo(ctx);
    const issue = findIssue(ctx, repo, 'issue_number');
    requireRole(ctx, repo, 'triage');
    for (const name of labelNames(ctx.body)) {
      // Unknown labels are created on the repository, as GitHub does.
      const label = ctx.state.label(repo, name);
      if (!issue.labels.includes(label)) issue.labels.push(label);
    }
    issue.updatedAt = ctx.state.now();
    return ok(issue.labels.map((l) => ctx.render.label(repo, l)));
  },
};
