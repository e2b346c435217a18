// The `run` command: `/wild-plan run` by a writer (or the plan PR merged, with `run-on-merge`) →
// the server's plan record approved and executing, then the Wild Loop started with a stable chat
// session and a goal that carries the reviewed tasks verbatim. A loop already running for that
// chat session is not replaced unless asked (`/wild-plan run --restart`). The plan comment says
// a loop runs only once the server has started it.
import { readBranchFile } from '../../git/branch-file.js';
import { buildGoal } from '../../goal.js';
import { loopGoal } from '../../plan/loop.js';
import type { Settings } from '../../settings.js';
import type { Sender } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { showLoop, type LoopContext, type LoopWhere } from '../loop-context.js';
import { isLive, planRecord } from '../loop-view.js';
import { approvalNote, REVIEW_SECTION } from '../loop-words.js';
import { failed, type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';
import { commentRevision } from '../stale.js';
import { guardLoop, isResult, serverFailed } from './loop-guard.js';

export interface RunRequest {
  sender: Sender;
  where: LoopWhere;
  restart: boolean;
  /** The comment that asked, for the 👀; absent when a merge started it. */
  commentId?: number;
  /** How it was asked, for the comment ("`/wild-plan run`", "the merge of #13"). */
  how: string;
}

export async function runCommand(settings: Settings, context: ActionContext, request: RunRequest, deps: ActionDeps): Promise<ActionResult> {
  const ctx = await guardLoop(settings, context, deps, request.sender, request.where);
  if (isResult(ctx)) return ctx;
  if (request.commentId !== undefined) await ctx.writes.react(request.commentId);
  try {
    return await startLoop(settings, context, ctx, request, deps);
  } catch (error) {
    return serverFailed(settings, error);
  }
}

async function startLoop(
  settings: Settings,
  context: ActionContext,
  ctx: LoopContext,
  request: RunRequest,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { log } = deps;
  const who = `@${request.sender.login}`;
  const existing = await ctx.server.status(ctx.chatSessionId);
  if (isLive(existing) && !request.restart) {
    const message = `A research loop for #${ctx.issue} is already ${existing.status} (session ${existing.session_id}, iteration ${existing.iteration ?? 0}); comment \`/wild-plan run --restart\` to stop it and start a new one with the reviewed plan.`;
    const commentUrl = await showLoop(ctx, { session: existing, event: `${who} asked to run it: ${message}` });
    return {
      status: 'loop-updated',
      message,
      fail: false,
      summary: `## wild-plan: the loop is already running\n\n${message}\n`,
      prNumber: ctx.pull.number,
      prUrl: ctx.pull.url,
      commentUrl,
      loopSessionId: existing.session_id,
    };
  }
  const tasks = await readBranchFile(settings.workspace, ctx.branch, ctx.tasksPath, {
    token: settings.githubToken,
    serverUrl: context.serverUrl,
  });
  if (tasks === null)
    return failed(`The plan branch ${ctx.branch} holds no ${ctx.tasksPath}: nothing to run. Re-plan with \`/wild-plan\` first.`);
  const revision = ctx.comment ? commentRevision(ctx.comment.body) : null;
  const where = `${context.repo.owner}/${context.repo.repo}#${ctx.pull.number}`;

  // The record: approved by the run when still a draft, then executing (the server starts nothing itself).
  const record = await planRecord(ctx.server, ctx.chatSessionId);
  let plan = record === 'unsupported' ? null : record;
  if (plan !== null) {
    if (plan.raw_markdown !== tasks) plan = await ctx.server.updatePlan(plan.id, { raw_markdown: tasks });
    if (plan.status === 'draft') {
      plan = await ctx.server.approvePlan(plan.id);
      plan = await ctx.server.updatePlan(plan.id, {
        sections: { ...plan.sections, [REVIEW_SECTION]: approvalNote(revision, request.sender.login, `${where}, with ${request.how}`) },
      });
    }
    if (plan.status === 'approved') plan = await ctx.server.executePlan(plan.id);
  }

  const issue = (await deps.client.rest.issues.get({ ...context.repo, issue_number: ctx.issue })).data;
  const goal = loopGoal({
    goal: buildGoal({ title: issue.title, body: issue.body ?? null }).goal,
    tasks,
    reviewed: `${where}${revision === null ? '' : `, revision ${revision}`}`,
  });
  const session = await ctx.server.start({
    goal,
    chat_session_id: ctx.chatSessionId,
    max_iterations: settings.maxIterations,
    evo_sweep_enabled: settings.evoSweep,
  });
  const message = `Started the research loop for #${ctx.issue}: session ${session.session_id}, ${session.status}, up to ${session.max_iterations ?? settings.maxIterations} iterations, with ${revision === null ? 'the reviewed plan' : `revision ${revision}`}.`;
  log.info(message);
  const commentUrl = await showLoop(ctx, {
    plan,
    plansUnsupported: record === 'unsupported',
    session,
    event: `▶️ ${who} started it with ${request.how}${existing && request.restart ? ` (replacing session ${existing.session_id})` : ''}. \`/wild-plan status\` shows its progress.`,
  });
  return {
    status: 'started',
    message,
    fail: false,
    summary: `## ▶️ wild-plan: research loop started\n\n${message}\n\nChat session \`${ctx.chatSessionId}\` · loop session \`${session.session_id}\` · [plan PR](${ctx.pull.url})\n`,
    prNumber: ctx.pull.number,
    prUrl: ctx.pull.url,
    commentUrl,
    loopSessionId: session.session_id,
  };
}
