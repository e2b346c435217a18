// Pull requests: list with GitHub's filters, create with its refusals, get, update.
import { paginate } from './pagination.js';
import { ok, validationFailed, type FieldError, type Reply } from './replies.js';
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
import type { BranchRef, IssueRecord, RepoRecord } from './state.js';

interface CreateBody {
  title: string;
  head: string;
  head_repo: string;
  base: string;
  body: string;
  draft: boolean;
  maintainer_can_modify: boolean;
  issue: number;
}

interface UpdateBody {
  title: string;
  body: string;
  state: 'open' | 'closed';
  base: string;
  maintainer_can_modify: boolean;
}

const refuse = (ctx: RouteContext, ...errors: FieldError[]): never => {
  throw new ReplyError(validationFailed(ctx.docUrl, ...errors));
};

function checkBodyLength(ctx: RouteContext, body: string | undefined): void {
  if (body !== undefined && charLength(body) > MAX_BODY_CHARS) {
    refuse(ctx, {
      resource: 'PullRequest',
      code: 'custom',
      field: 'body',
      message: `body is too long (maximum is ${MAX_BODY_CHARS} characters)`,
    });
  }
}

/** `head` is `branch` or `owner:branch`; a foreign owner means a fork in the same network. */
function headRepoFor(ctx: RouteContext, repo: RepoRecord, owner: string, headRepo?: string): RepoRecord | undefined {
  if (headRepo) return ctx.state.repo(headRepo);
  if (owner.toLowerCase() === repo.owner.login.toLowerCase()) return repo;
  const root = (r: RepoRecord): RepoRecord => (r.parent ? root(ctx.state.repo(r.parent) ?? r) : r);
  return [...ctx.state.repos.values()].find((r) => r.owner.login.toLowerCase() === owner.toLowerCase() && root(r) === root(repo));
}

async function branchRef(ctx: RouteContext, repo: RepoRecord | undefined, ref: string): Promise<BranchRef | undefined> {
  if (!repo) return undefined;
  const sha = await ctx.state.branchSha(repo, ref);
  return sha ? { repo, ref, sha } : undefined;
}

function alreadyExists(ctx: RouteContext, head: BranchRef): never {
  return refuse(ctx, {
    resource: 'PullRequest',
    code: 'custom',
    message: `A pull request already exists for ${head.repo.owner.login}:${head.ref}.`,
  });
}

function sortPulls(pulls: IssueRecord[], sort: string, direction: string | undefined): IssueRecord[] {
  const dir = direction ?? (sort === 'created' ? 'desc' : 'asc');
  const key = (i: IssueRecord): number => (sort === 'updated' ? Date.parse(i.updatedAt) * 1e6 + i.number : i.number);
  const sorted = [...pulls].sort((a, b) => key(a) - key(b));
  return dir === 'desc' ? sorted.reverse() : sorted;
}

export const pullRoutes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}/pulls': (ctx) => {
    const repo = findRepo(ctx);
    const { state = 'open', head, base, sort = 'created', direction } = ctx.query;
    let pulls = [...repo.issues.values()].filter((i) => i.pull && (state === 'all' || i.state === state));
    if (head !== undefined) {
      const colon = head.indexOf(':');
      if (colon < 0) {
        ctx.violation(
          `pulls list: head=${JSON.stringify(head)} has no "owner:" prefix, so GitHub ignores the filter and lists every pull request`,
        );
      } else {
        const owner = head.slice(0, colon).toLowerCase();
        const ref = head.slice(colon + 1);
        pulls = pulls.filter((i) => i.pull?.head.ref === ref && i.pull.head.repo.owner.login.toLowerCase() === owner);
      }
    }
    if (base !== undefined) pulls = pulls.filter((i) => i.pull?.base.ref === base);
    const page = paginate(sortPulls(pulls, sort, direction), ctx.query, ctx.selfUrl);
    return ok(
      page.items.map((i) => ctx.render.pull(i, true)),
      200,
      page.link ? { link: page.link } : undefined,
    );
  },

  'POST /repos/{owner}/{repo}/pulls': async (ctx): Promise<Reply> => {
    const repo = findRepo(ctx);
    const input = bodyOf<CreateBody>(ctx);
    const fromIssue = input.issue !== undefined ? repo.issues.get(input.issue) : undefined;
    if (input.issue !== undefined && (!fromIssue || fromIssue.pull)) {
      refuse(ctx, { resource: 'PullRequest', code: 'invalid', field: 'issue' });
    }
    if (input.title === undefined && !fromIssue) refuse(ctx, { resource: 'PullRequest', code: 'missing_field', field: 'title' });
    checkBodyLength(ctx, input.body);

    const headSpec = String(input.head);
    const colon = headSpec.indexOf(':');
    const headOwner = colon < 0 ? repo.owner.login : headSpec.slice(0, colon);
    const headName = colon < 0 ? headSpec : headSpec.slice(colon + 1);
    const head = await branchRef(ctx, headRepoFor(ctx, repo, headOwner, input.head_repo), headName);
    const base = await branchRef(ctx, repo, String(input.base));
    const invalid: FieldError[] = [];
    if (!base) invalid.push({ resource: 'PullRequest', code: 'invalid', field: 'base' });
    if (!head) invalid.push({ resource: 'PullRequest', code: 'invalid', field: 'head' });
    if (!head || !base) return refuse(ctx, ...invalid);
    requireRole(ctx, head.repo, 'write');
    if (head.sha === base.sha) {
      refuse(ctx, { resource: 'PullRequest', code: 'custom', message: `No commits between ${base.ref} and ${headSpec}` });
    }
    if (ctx.state.openPullFor(repo, head, base.ref)) alreadyExists(ctx, head);

    let pr: IssueRecord;
    const draft = input.draft ?? false;
    if (fromIssue) {
      // Converting an issue keeps its number, title and body.
      fromIssue.pull = { id: ctx.state.id(), head, base, draft, merged: false, mergedAt: null, maintainerCanModify: false };
      pr = fromIssue;
    } else {
      pr = ctx.state.addPull(
        repo,
        { title: String(input.title), body: input.body ?? null, user: { login: ctx.actor.login }, head: head.ref, draft },
        head,
        base,
      );
    }
    if (pr.pull && head.repo !== repo) pr.pull.maintainerCanModify = input.maintainer_can_modify ?? true;
    const rendered = ctx.render.pull(pr);
    return ok(rendered, 201, { location: String(rendered.url) });
  },

  'GET /repos/{owner}/{repo}/pulls/{pull_number}': (ctx) => ok(ctx.render.pull(findIssue(ctx, findRepo(ctx), 'pull_number'))),

  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}': async (ctx): Promise<Reply> => {
    const repo = findRepo(ctx);
    const pr = findIssue(ctx, repo, 'pull_number');
    const pull = pr.pull;
    if (!pull) throw new Error('unreachable: findIssue returned an issue for pull_number');
    if (pr.user !== ctx.actor) requireRole(ctx, repo, 'write');
    const input = bodyOf<UpdateBody>(ctx);
    checkBodyLength(ctx, input.body);
    if (input.base !== undefined && input.base !== pull.base.ref) {
      const base = await branchRef(ctx, repo, input.base);
      if (!base) return refuse(ctx, { resource: 'PullRequest', code: 'invalid', field: 'base' });
      pull.base = base;
    }
    if (input.state === 'open' && pr.state === 'closed') {
      if (pull.merged)
        refuse(ctx, {
          resource: 'PullRequest',
          code: 'custom',
          field: 'state',
          message: 'state cannot be changed. The pull request cannot be reopened.',
        });
      if (ctx.state.openPullFor(repo, pull.head, pull.base.ref)) alreadyExists(ctx, pull.head);
    }
    const at = ctx.state.now();
    if (input.title !== undefined) pr.title = input.title;
    if (input.body !== undefined) pr.body = input.body;
    if (input.maintainer_can_modify !== undefined) pull.maintainerCanModify = input.maintainer_can_modify;
    if (input.state !== undefined && input.state !== pr.state) {
      pr.state = input.state;
      pr.closedAt = input.state === 'closed' ? at : null;
    }
    pr.updatedAt = at;
    return ok(ctx.render.pull(pr));
  },
};
