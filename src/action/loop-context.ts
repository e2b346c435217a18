// What every research-loop command works from: the issue, its plan PR and sticky plan comment,
// the loop's chat session id, the research server; and the one write they all end with — the
// loop section of that comment, edited in place.
import { postableBody } from '../github/comments.js';
import { findOpen } from '../github/pull-request.js';
import { PLAN_COMMENT_MARKER } from '../plan/present.js';
import { ResearchServer } from '../server/research.js';
import { serverClientOf, tasksPathFor, type Settings } from '../settings.js';
import { withSection, type SectionName } from './comment-sections.js';
import type { ActionContext } from './context.js';
import { chatSessionFor, loopSection, type LoopView } from './loop-words.js';
import type { ActionDeps } from './router.js';
import { planBranchFor, planBranchIssue } from './target.js';
import { Writes } from './writes.js';

export interface LoopContext {
  issue: number;
  pull: { number: number; url: string };
  branch: string;
  tasksPath: string;
  chatSessionId: string;
  server: ResearchServer;
  writes: Writes;
  /** The sticky plan comment as it is now; null when the plan PR has none. */
  comment: { id: number; body: string } | null;
}

/** Where a loop command points: an issue, a pull request (maybe its plan PR), or a plan PR known from its head. */
export type LoopWhere = { number: number; isPullRequest: boolean; headRef?: string; fork?: boolean };

/** The loop context, or why there is none (not a plan PR, no plan PR for the issue). */
export async function loopContext(
  settings: Settings,
  context: ActionContext,
  deps: ActionDeps,
  where: LoopWhere,
): Promise<LoopContext | string> {
  const { client } = deps;
  const repo = context.repo;
  let issue: number | null;
  let pull: { number: number; url: string } | null;
  if (where.isPullRequest) {
    let ref = where.headRef;
    let fork = where.fork ?? false;
    if (ref === undefined) {
      const { data } = await client.rest.pulls.get({ ...repo, pull_number: where.number });
      ref = data.head.ref;
      fork = data.head.repo?.full_name !== `${repo.owner}/${repo.repo}`;
    }
    issue = fork ? null : planBranchIssue(ref);
    if (issue === null) return `#${where.number} is not a plan PR of wild-plan's (its branch is not wild-plan/issue-N of this repository)`;
    pull = { number: where.number, url: `${context.serverUrl}/${repo.owner}/${repo.repo}/pull/${where.number}` };
  } else {
    issue = where.number;
    const open = await findOpen(client, repo, planBranchFor(issue));
    if (open === null) return `#${issue} has no open plan PR: plan it first (label it, or comment \`/wild-plan\`)`;
    pull = { number: open.number, url: open.html_url };
  }
  const writes = new Writes(client, context, settings.dryRun, deps.log);
  const found = await writes.findComment(pull.number, PLAN_COMMENT_MARKER);
  return {
    issue,
    pull,
    branch: planBranchFor(issue),
    tasksPath: tasksPathFor(settings, issue),
    chatSessionId: chatSessionFor(repo, issue),
    server: new ResearchServer(serverClientOf(settings)),
    writes,
    comment: found ? { id: found.id, body: found.body ?? '' } : null,
  };
}

/** The loop section of the plan comment, rewritten from `view`; the comment's URL, when there is a comment to edit. */
export function showLoop(ctx: LoopContext, view: LoopView): Promise<string | undefined> {
  return editSections(ctx, { loop: loopSection(view) });
}

/** The plan comment with these sections rewritten ('' removes one), in one edit, and none when its text is unchanged. */
export async function editSections(ctx: LoopContext, sections: Partial<Record<SectionName, string>>): Promise<string | undefined> {
  if (ctx.comment === null) return undefined;
  let body = ctx.comment.body;
  for (const [name, content] of Object.entries(sections) as Array<[SectionName, string]>) body = withSection(body, name, content);
  body = postableBody(body);
  if (body === ctx.comment.body) return undefined;
  const posted = await ctx.writes.comment(ctx.pull.number, PLAN_COMMENT_MARKER, body, { knownId: ctx.comment.id });
  ctx.comment = { id: ctx.comment.id, body };
  return posted?.url;
}
