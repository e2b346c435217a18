// The `approve` command: an approving review of a plan PR by a writer → the server's plan
// record approved (`POST /plans/{id}/approve`), with which revision and by whom, and the plan
// comment saying the server has it. Reads as its steps: guard → the record → approve → say so.
import { readBranchFile } from '../../git/branch-file.js';
import { buildGoal } from '../../goal.js';
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { showLoop } from '../loop-context.js';
import { planRecord } from '../loop-view.js';
import { approvalNote, REVIEW_SECTION } from '../loop-words.js';
import { skipped, type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';
import { commentRevision } from '../stale.js';
import { guardLoop, isResult, serverFailed } from './loop-guard.js';

export async function approveCommand(
  settings: Settings,
  context: ActionContext,
  trigger: Extract<Trigger, { kind: 'review' }>,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { log } = deps;
  const ctx = await guardLoop(settings, context, deps, trigger.sender, {
    number: trigger.pullNumber,
    isPullRequest: true,
    headRef: trigger.head.ref,
    fork: trigger.head.fork,
  });
  if (isResult(ctx)) return ctx;
  const revision = ctx.comment ? commentRevision(ctx.comment.body) : null;
  try {
    const record = await planRecord(ctx.server, ctx.chatSessionId);
    if (record === 'unsupported') {
      await showLoop(ctx, { plansUnsupported: true });
      return skipped(
        `the research server at ${settings.serverUrl} keeps no plan records (/plans answered 404): the approval is not mirrored there`,
        log,
      );
    }
    let plan = record;
    if (plan === null) {
      // Planned before plans were registered: file it now, from the issue as planned.
      const issue = (await deps.client.rest.issues.get({ ...context.repo, issue_number: ctx.issue })).data;
      const tasks =
        (await readBranchFile(settings.workspace, ctx.branch, ctx.tasksPath, {
          token: settings.githubToken,
          serverUrl: context.serverUrl,
        })) ?? '';
      plan = await ctx.server.createPlan({
        title: `${issue.title} (${context.repo.owner}/${context.repo.repo}#${ctx.issue})`,
        goal: buildGoal({ title: issue.title, body: issue.body ?? null }).goal,
        session_id: ctx.chatSessionId,
        raw_markdown: tasks,
      });
    }
    if (plan.status === 'draft') plan = await ctx.server.approvePlan(plan.id);
    const note = approvalNote(revision, trigger.sender.login, `${context.repo.owner}/${context.repo.repo}#${ctx.pull.number}`);
    plan = await ctx.server.updatePlan(plan.id, { sections: { ...plan.sections, [REVIEW_SECTION]: note } });
    const message = `Revision ${revision ?? '?'} of the plan for #${ctx.issue} approved by @${trigger.sender.login}; the research server has it (plan ${plan.id}, ${plan.status}).`;
    const commentUrl = await showLoop(ctx, { plan, event: `✅ ${message} Comment \`/wild-plan run\` to start the loop.` });
    log.info(message);
    return {
      status: 'approved',
      message,
      fail: false,
      summary: `## ✅ wild-plan: plan approved\n\n${message}\n`,
      prNumber: ctx.pull.number,
      prUrl: ctx.pull.url,
      commentUrl,
    };
  } catch (error) {
    return serverFailed(settings, error);
  }
}
