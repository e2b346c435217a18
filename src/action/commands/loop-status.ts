// The `status` command and the scheduled sync: the loop's state, progress, last iteration and
// drift from the approved revision, into the plan comment's loop section. `/wild-plan status`
// answers for one plan; a `schedule` event walks the open plan PRs (at most SYNC_LIMIT, one page
// of pull requests) and touches only those with a live loop, editing a comment only when its
// text changed.
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { showLoop } from '../loop-context.js';
import { isLive, planRecord, readLoop } from '../loop-view.js';
import { type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';
import { planBranchIssue } from '../target.js';
import { guardLoop, isResult, serverFailed } from './loop-guard.js';
import { loopResult } from './control.js';

/** Plan PRs one scheduled run brings up to date; the rest wait for the next run. */
export const SYNC_LIMIT = 10;

export async function statusCommand(
  settings: Settings,
  context: ActionContext,
  trigger: Extract<Trigger, { kind: 'loop' }>,
  deps: ActionDeps,
): Promise<ActionResult> {
  const ctx = await guardLoop(settings, context, deps, trigger.sender, { number: trigger.number, isPullRequest: trigger.isPullRequest });
  if (isResult(ctx)) return ctx;
  await ctx.writes.react(trigger.commentId);
  try {
    const session = await ctx.server.status(ctx.chatSessionId);
    if (session === null) {
      const message = `No research loop has been started for #${ctx.issue}; \`/wild-plan run\` starts one with the reviewed plan.`;
      return loopResult(ctx, message, await showLoop(ctx, { event: message }));
    }
    const view = await readLoop(ctx.server, session, await planRecord(ctx.server, ctx.chatSessionId));
    const p = view.progress;
    const message = `The research loop for #${ctx.issue} is ${session.status} at iteration ${session.iteration ?? 0}${p ? `: ${p.done} of ${p.total} tasks done` : ''}.`;
    return loopResult(ctx, message, await showLoop(ctx, view), session.session_id);
  } catch (error) {
    return serverFailed(settings, error);
  }
}

export async function syncCommand(settings: Settings, context: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const { client, log } = deps;
  const { data: pulls } = await client.rest.pulls.list({ ...context.repo, state: 'open', per_page: 100 });
  const plans = pulls
    .filter((p) => p.head.repo?.full_name === `${context.repo.owner}/${context.repo.repo}` && planBranchIssue(p.head.ref) !== null)
    .slice(0, SYNC_LIMIT);
  const synced: string[] = [];
  try {
    for (const pull of plans) {
      const ctx = await guardLoop(settings, context, deps, null, { number: pull.number, isPullRequest: true, headRef: pull.head.ref });
      if (isResult(ctx)) continue;
      const session = await ctx.server.status(ctx.chatSessionId);
      if (!isLive(session)) continue;
      const view = await readLoop(ctx.server, session, await planRecord(ctx.server, ctx.chatSessionId));
      await showLoop(ctx, view);
      synced.push(`#${pull.number} (${session.status}, iteration ${session.iteration ?? 0})`);
    }
  } catch (error) {
    return serverFailed(settings, error);
  }
  const message = synced.length
    ? `Brought ${synced.length} live research loop${synced.length === 1 ? '' : 's'} into their plan comments: ${synced.join(', ')}.`
    : 'No plan PR has a live research loop.';
  log.info(message);
  return { status: 'loop-updated', message, fail: false, summary: `## 🔬 wild-plan: research loops\n\n${message}\n` };
}
