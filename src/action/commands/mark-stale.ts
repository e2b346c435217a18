// The `mark-stale` command: an issue with an open plan PR was edited by a person; its plan
// comment gets a banner saying the plan is stale, what changed and how to re-plan. No agent
// runs and nothing is committed (`replan-on-edit: true` routes the edit to `plan` instead).
// Reads as its steps: permission → the plan PR → its plan comment → the banner.
import { postableBody } from '../../github/comments.js';
import { findOpen } from '../../github/pull-request.js';
import { PLAN_COMMENT_MARKER } from '../../plan/present.js';
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { skipped, type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';
import { commentRevision, staleBanner, withBanner } from '../stale.js';
import { planBranchFor } from '../target.js';
import { Writes } from '../writes.js';
import { permissionStep } from './permission-step.js';

export async function markStale(
  settings: Settings,
  context: ActionContext,
  trigger: Extract<Trigger, { kind: 'edited' }>,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { client, log } = deps;
  const repo = context.repo;
  const allowed = await permissionStep(context, deps, trigger.sender.login);
  if ('result' in allowed) return allowed.result;

  const pull = await findOpen(client, repo, planBranchFor(trigger.number));
  if (pull === null) return skipped(`#${trigger.number} has no open plan PR: there is no plan to mark stale`, log);
  const writes = new Writes(client, context, settings.dryRun, log);
  const comment = await writes.findComment(pull.number, PLAN_COMMENT_MARKER);
  if (comment === null) return skipped(`plan PR #${pull.number} has no plan comment of wild-plan's to mark stale`, log);

  const text = comment.body ?? '';
  const revision = commentRevision(text);
  const body = withBanner(
    text,
    staleBanner({ editor: trigger.sender.login, title: trigger.title, body: trigger.body, before: trigger.before }, revision),
  );
  const posted = await writes.comment(pull.number, PLAN_COMMENT_MARKER, postableBody(body), { knownId: comment.id });
  const message = `#${trigger.number} changed after ${revision === null ? 'it was planned' : `revision ${revision}`}: the plan comment on #${pull.number} says so; comment \`/wild-plan\` there to re-plan.`;
  log.info(message);
  return {
    status: 'marked-stale',
    message,
    fail: false,
    summary: `### ⚠️ wild-plan: the plan is stale\n\n${message}\n`,
    prNumber: pull.number,
    prUrl: pull.html_url,
    commentUrl: posted?.url,
  };
}
