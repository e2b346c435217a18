// What a route handler gets, and the access rules every handler shares.
import type { Renderer } from './render.js';
import { errorReply, forbidden, notFound, type Reply } from './replies.js';
import { roleAtLeast, type GitHubState, type IssueRecord, type RepoRecord, type Role, type UserRecord } from './state.js';

export interface RouteContext {
  state: GitHubState;
  render: Renderer;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON body (already checked against GitHub's schema), or undefined. */
  body: unknown;
  /** Who the request's token belongs to. */
  actor: UserRecord;
  /** The operation's page in GitHub's docs, as GitHub puts it in error bodies. */
  docUrl: string;
  /** This request's URL without its query, for Link headers. */
  selfUrl: string;
  /** Records a problem GitHub would not refuse but a caller almost surely did not mean. */
  violation(message: string): void;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

/** Thrown by helpers to answer early; the server turns it into the reply. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`fake-github reply ${reply.status}`);
  }
}

/** The role the actor effectively has: its own, else what the public gets. */
export function effectiveRole(ctx: RouteContext, repo: RepoRecord, login = ctx.actor.login): Role {
  return ctx.state.roleOf(repo, login) ?? (repo.private ? 'none' : 'read');
}

/** The repository, or GitHub's 404 (which it also gives for private repositories you cannot see). */
export function findRepo(ctx: RouteContext): RepoRecord {
  const repo = ctx.state.repo(`${ctx.params.owner}/${ctx.params.repo}`);
  if (!repo || effectiveRole(ctx, repo) === 'none') throw new ReplyError(notFound(ctx.docUrl));
  return repo;
}

/** Refuses a write the actor's role does not allow, the way GitHub answers tokens and users. */
export function requireRole(ctx: RouteContext, repo: RepoRecord, needed: Role): void {
  if (repo.archived) throw new ReplyError(forbidden('Repository was archived so is read-only.', ctx.docUrl));
  if (roleAtLeast(effectiveRole(ctx, repo), needed)) return;
  const message = ctx.actor.type === 'Bot' ? 'Resource not accessible by integration' : 'Must have push access to this repository.';
  throw new ReplyError(forbidden(message, ctx.docUrl));
}

export function findIssue(ctx: RouteContext, repo: RepoRecord, param: 'issue_number' | 'pull_number'): IssueRecord {
  const issue = repo.issues.get(Number(ctx.params[param]));
  if (!issue || (param === 'pull_number' && !issue.pull)) throw new ReplyError(notFound(ctx.docUrl));
  return issue;
}

export const MAX_BODY_CHARS = 65536;

/** GitHub counts characters, not UTF-16 units: an emoji is one. */
export function charLength(text: string): number {
  return [...text].length;
}

export function bodyOf<T>(ctx: RouteContext): Partial<T> {
  return (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Partial<T>;
}

export const unauthorized = (message: string): Reply => errorReply(401, message, 'https://docs.github.com/rest');
