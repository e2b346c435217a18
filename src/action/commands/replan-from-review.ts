// The `replan-from-review` command: a review requesting changes on a plan PR, or `/wild-plan …`
// on a line of it, re-plans that PR's issue with the review as the steer — same branch (a new
// commit on top), same PR, same sticky comment — and answers in the review's thread.
// Reads as its steps: permission → a plan PR of ours? → the steer → plan → reply.
import { reviewComments } from '../../github/reviews.js';
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { replyMarker, reviewReply } from '../review-messages.js';
import { lineSteer, reviewSteer } from '../review-steer.js';
import { skipped, type ActionResult, type ActionResultFields } from '../result.js';
import type { ActionDeps } from '../router.js';
import { planBranchIssue } from '../target.js';
import { Writes } from '../writes.js';
import { plural } from '../../text/plural.js';
import { permissionStep } from './permission-step.js';
import { planPermitted } from './plan.js';

type ReviewTrigger = Extract<Trigger, { kind: 'review' | 'line-command' }>;

export async function replanFromReview(
  settings: Settings,
  context: ActionContext,
  trigger: ReviewTrigger,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { client, log } = deps;
  const repo = context.repo;
  const allowed = await permissionStep(context, deps, trigger.sender.login);
  if ('result' in allowed) return allowed.result;

  const issue = trigger.head.fork ? null : planBranchIssue(trigger.head.ref);
  if (issue === null) {
    return skipped(
      `#${trigger.pullNumber} is not a plan PR of wild-plan's (its branch is not wild-plan/issue-N of this repository); a review there re-plans nothing`,
      log,
    );
  }
  log.info(
    `${trigger.kind === 'review' ? 'review' : 'line command'} by ${trigger.sender.login} (${allowed.permission}) on plan PR #${trigger.pullNumber} for #${issue}`,
  );

  // The thread a reply goes in: the line comment's, or the first inline comment of the review.
  let thread: number | undefined = trigger.kind === 'line-command' ? trigger.commentId : undefined;
  const steer = await log.group('The review, as direction for the planner', async () => {
    if (trigger.kind === 'line-command')
      return lineSteer({ direction: trigger.steer, path: trigger.path, line: trigger.line, diffHunk: trigger.diffHunk });
    const comments = await reviewComments(client, repo, trigger.pullNumber, trigger.reviewId);
    log.info(`the review has ${plural(comments.length, 'inline comment')}`);
    thread = comments.find((c) => c.inReplyTo === null)?.id;
    return reviewSteer({ reviewer: trigger.sender.login, body: trigger.body, comments });
  });
  const result: ActionResultFields = await planPermitted(
    settings,
    context,
    {
      kind: 'plan',
      source: trigger.kind === 'review' ? 'review' : 'line',
      sender: trigger.sender,
      number: trigger.pullNumber,
      isPullRequest: true,
      steer,
      head: { ref: trigger.head.ref, fork: false },
    },
    deps,
  );
  // A review without inline comments has no thread: the plan comment and the status comment say it.
  if (result.status === 'planned' && thread !== undefined) await replyStep(settings, context, trigger, thread, result, deps);
  return result;
}

/** The thread that asked gets one line linking the new revision. */
async function replyStep(
  settings: Settings,
  context: ActionContext,
  trigger: ReviewTrigger,
  thread: number,
  result: ActionResultFields,
  deps: ActionDeps,
): Promise<void> {
  const { client, log } = deps;
  const writes = new Writes(client, context, settings.dryRun, log);
  const marker = replyMarker(trigger.kind === 'review' ? `review-${trigger.reviewId}` : `comment-${thread}`);
  await writes
    .replyOnce(trigger.pullNumber, thread, marker, reviewReply(result, marker))
    .catch((error: Error) => log.warning(`could not reply in the review thread: ${error.message}`));
}
