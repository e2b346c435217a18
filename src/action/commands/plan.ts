// The `plan` command: an issue (or a goal) → a reviewed plan on its branch, PR and comments.
// Reads as its steps: permission → request → acknowledge (beside the workspace checks and the
// preflight) → plan (goal, preflight, render, agent, plan files) → publish → report.
import { agentStatsJson } from '../../agent/runner.js';
import { planToJson } from '../../plan/present.js';
import type { PlanOutcome } from '../../planning/outcome.js';
import { planIssue } from '../../planning/plan-issue.js';
import { sanitizeUntrusted } from '../../security/sanitize.js';
import { formatPreflightTable } from '../../server/preflight-report.js';
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { describeTrigger } from '../messages.js';
import { loopSection } from '../loop-words.js';
import { publishStep } from '../publish.js';
import { registerPlan } from '../register.js';
import { revisionCause } from '../review-messages.js';
import { failed, skipped, type ActionResult, type PlanOutputs } from '../result.js';
import type { ActionDeps } from '../router.js';
import { renderJobSummary, type SummaryLinks } from '../summary.js';
import { liveLabelTrigger, resolveTarget, type PlanTarget } from '../target.js';
import { StatusComment, Writes } from '../writes.js';
import { permissionStep } from './permission-step.js';

export async function planCommand(
  settings: Settings,
  context: ActionContext,
  trigger: Extract<Trigger, { kind: 'plan' }>,
  deps: ActionDeps,
): Promise<ActionResult> {
  const allowed = await permissionStep(context, deps, trigger.sender.login);
  if ('result' in allowed) return allowed.result;
  deps.log.info(`${trigger.source} by ${trigger.sender.login} (${allowed.permission})`);
  return planPermitted(settings, context, trigger, deps);
}

/** The plan command once the sender's write access is established (replan-from-review checks it itself, first). */
export async function planPermitted(
  settings: Settings,
  context: ActionContext,
  trigger: Extract<Trigger, { kind: 'plan' }>,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { client, log } = deps;
  const repo = context.repo;
  const live = await liveLabelTrigger(client, repo, trigger, settings.triggerLabel);
  if (live.kind === 'skip') return skipped(live.reason, log);
  const target = await resolveTarget(client, repo, live);

  const writes = new Writes(client, context, settings.dryRun, log);
  const status = new StatusComment(writes, target.statusThread, {
    runUrl: context.runUrl,
    dryRun: settings.dryRun,
    threadEmpty: target.statusThreadEmpty,
  });
  const onAbort = () => void status.set({ kind: 'cancelled' }).catch(() => {});
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // 👀 and "planning" go out while the workspace is checked and the server preflighted; the
    // agent starts only once they are posted (planIssue waits for them), and a failure to post
    // them fails the run as before.
    const acknowledged = acknowledge(trigger, target, writes, status);
    acknowledged.catch(() => {}); // awaited below; until then a failure must not count as unhandled
    const outcome = await planIssue(
      settings,
      { issueNumber: target.number, title: target.title, body: target.body, steer: target.steer },
      {
        log,
        runner: deps.runner,
        signal: deps.signal,
        isolateAgent: deps.isolateAgent ?? true,
        writeFiles: settings.writePlanFiles,
        beforeAgent: acknowledged,
      },
    );
    await acknowledged;
    if (deps.signal?.aborted) throw new Error('cancelled');
    const outputs = planOutputs(outcome, context, { issueNumber: target.number });
    if (outcome.status === 'aborted') {
      await status.set({
        kind: 'aborted',
        message: outcome.message,
        preflightTable: formatPreflightTable(outcome.preflight),
        checklist: outcome.checklist,
      });
      return { ...outputs, status: 'aborted', message: outcome.message, fail: settings.failOnAbort };
    }
    if (outcome.status === 'invalid') {
      await status.set({ kind: 'invalid', message: outcome.message });
      return { ...outputs, status: 'invalid', message: outcome.message, fail: true };
    }
    const registered = await log.group('Register the plan on the research server', () =>
      registerPlan(settings, context, target, outcome, log),
    );
    const loop =
      registered === null ? undefined : loopSection('plan' in registered ? { plan: registered.plan } : { plansUnsupported: true });
    const published = await log.group('Publish: branch, pull request, comments', () =>
      publishStep(
        { settings, context, target, outcome, writes, log, cause: revisionCause(trigger), loopSection: loop },
        status.planComment,
      ),
    );
    status.rememberPlanComment(published.planComment);
    await status.set({
      kind: 'planned',
      prUrl: published.prUrl,
      prNumber: published.prNumber,
      counts: published.counts,
      findings: outcome.findings.length,
      summary: outcome.summary,
      note: published.note,
    });
    const { counts: _counts, note: _note, planComment: _planComment, ...made } = published;
    // The summary again, now that there is a pull request and a comment to link.
    const summary = renderJobSummary(outcome, context, { issueNumber: target.number, ...made });
    return { ...outputs, ...made, summary, status: 'planned', message: outcome.message, fail: false };
  } catch (error) {
    if (deps.signal?.aborted) {
      await status.settle({ kind: 'cancelled' }, log);
      return { status: 'failed', message: 'The run was cancelled.', fail: true, summary: '### ⏹️ wild-plan was cancelled\n' };
    }
    const message = error instanceof Error ? error.message : String(error);
    await status.settle({ kind: 'failed', message }, log);
    return failed(message);
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
  }
}

/** 👀 on the comment that asked (its answer tells wild-plan its own login), then the "planning" status. */
async function acknowledge(
  trigger: Extract<Trigger, { kind: 'plan' }>,
  target: PlanTarget,
  writes: Writes,
  status: StatusComment,
): Promise<void> {
  if (trigger.commentId !== undefined) await writes.react(trigger.commentId);
  const steer = sanitizeUntrusted(target.steer).trim();
  await status.set({ kind: 'started', trigger: describeTrigger(trigger.source, trigger.sender.login), steer: steer || undefined });
}

/** The step outputs and job summary every planning outcome gives. */
function planOutputs(outcome: PlanOutcome, context: ActionContext, links: SummaryLinks): PlanOutputs & { summary: string } {
  return {
    tasksPath: outcome.tasksPath,
    playbookPath: outcome.playbookPath,
    sessionId: outcome.sessionId,
    planJson: outcome.plan ? JSON.stringify({ ...planToJson(outcome.plan), findings: outcome.findings }) : undefined,
    agentStats: outcome.run ? JSON.stringify(agentStatsJson(outcome.run.result)) : undefined,
    summary: renderJobSummary(outcome, context, links),
  };
}
