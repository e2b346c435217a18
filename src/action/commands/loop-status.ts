// The `status` command and the scheduled sync: the loop's state, progress, last iteration and
// drift from the approved revision, into the plan comment's loop section. `/wild-plan status`
// answers for one plan; a `schedule` event walks the open plan PRs (at most SYNC_LIMIT, one page
// of pull requests): each gets a banner when its base branch changed a file the plan names, and
// those with a live loop their progress — one edit at most, and none when the text is unchanged.
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { changedOnBase, touchedNames, baseMovedBanner } from '../base-moved.js';
import type { SectionName } from '../comment-sections.js';
import { editSections, showLoop, type LoopContext } from '../loop-context.js';
import { loopSection } from '../loop-words.js';
import { commentRevision } from '../stale.js';
import { readBranchFile } from '../../git/branch-file.js';
import { plural } from '../../text/plural.js';
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
  const own = `${context.repo.owner}/${context.repo.repo}`;
  const plans = pulls.filter((p) => p.head.repo?.full_name === own && planBranchIssue(p.head.ref) !== null).slice(0, SYNC_LIMIT);
  const synced: string[] = [];
  const stale: string[] = [];
  try {
    for (const pull of plans) {
      const ctx = await guardLoop(settings, context, deps, null, { number: pull.number, isPullRequest: true, headRef: pull.head.ref });
      if (isResult(ctx) || ctx.comment === null) continue;
      const sections: Partial<Record<SectionName, string>> = { base: await baseSection(settings, context, ctx, pull.base.ref, deps) };
      if (sections.base) stale.push(`#${pull.number}`);
      const session = await ctx.server.status(ctx.chatSessionId);
      if (isLive(session)) {
        sections.loop = loopSection(await readLoop(ctx.server, session, await planRecord(ctx.server, ctx.chatSessionId)));
        synced.push(`#${pull.number} (${session.status}, iteration ${session.iteration ?? 0})`);
      }
      await editSections(ctx, sections);
    }
  } catch (error) {
    return serverFailed(settings, error);
  }
  const loops = synced.length
    ? `Brought ${plural(synced.length, 'live research loop')} into their plan comments: ${synced.join(', ')}.`
    : 'No plan PR has a live research loop.';
  const moved = stale.length ? ` The base branch changed files named by the plans of ${stale.join(', ')}.` : '';
  const message = `${loops}${moved}`;
  log.info(message);
  return { status: 'loop-updated', message, fail: false, summary: `## 🔬 wild-plan: plan PRs synced\n\n${message}\n` };
}

/** The base-moved banner for one plan PR ('' when its base changed nothing the plan names); a compare GitHub cannot answer costs the check, not the sync. */
async function baseSection(
  settings: Settings,
  context: ActionContext,
  ctx: LoopContext,
  baseBranch: string,
  deps: ActionDeps,
): Promise<string> {
  try {
    const changed = await changedOnBase(deps.client, context.repo, ctx.branch, baseBranch);
    if (changed.length === 0) return '';
    const tasks = await readBranchFile(settings.workspace, ctx.branch, ctx.tasksPath, {
      token: settings.githubToken,
      serverUrl: context.serverUrl,
    });
    return tasks === null ? '' : baseMovedBanner(baseBranch, touchedNames(tasks, changed), commentRevision(ctx.comment?.body ?? ''));
  } catch (error) {
    deps.log.warning(`could not compare ${ctx.branch} with ${baseBranch}: ${(error as Error).message}`);
    return '';
  }
}
