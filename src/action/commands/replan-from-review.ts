// The `replan-from-review` command: a review requesting changes on a plan PR, or `/wild-plan …`
// on a line of it, re-plans that PR's issue with the review as the steer — same branch (a new
// commit on top), same PR, same sticky comment — and answers in the review's thread.
// Reads as its steps: permission → a plan PR of ours? → the steer → plan → reply.
import { checkSenderPermission } from '../../github/permission.js';
import { reviewComments } from '../../github/reviews.js';
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { replyMarker, reviewReply } from '../review-messages.js';
import { lineSteer, reviewSteer } from '../review-steer.js';
import { refused, skipped, type ActionResult, type ActionResultFields } from '../result.js';
import type { ActionDeps } from '../router.js';
import { planBranchIssue } from '../target.js';
import { Writes } from '../writes.js';
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
  const permission = await checkSenderPermission(client, repo, trigger.sender.login);
  if (permission.kind === 'error') return refused(permission.reason, log);
  if (permission.kind === 'denied') return skipped(permission.reason, log);

  const issue = trigger.head.fork ? null : planBranchIssue(trigger.head.ref);
  if (issue === null) {
    return skipped(
      `#${trigger.pullNumber} is not a plan PR of wild-plan's (its branch is not wild-plan/issue-N of this repository); a review there re-plans nothing`,
      log,
    );
  }
  log.info(
    `${trigger.kind === 'review' ? 'review' : 'line command'} by ${trigger.sender.login} (${permission.permission}) on plan PR #${trigger.pullNumber} for #${issue}`,
  );

  const steer = await log.group('The review, as direction for the planner', async () => {
    if (trigger.kind === 'line-command')
      return lineSteer({ direction: trigger.steer, path: trigger.path, line: trigger.line, diffHunk: trigger.diffHunk });
    const comments = await reviewComments(client, repo, trigger.pullNumber, trigger.reviewId);
    log.info(`the review has ${comments.length} inline comment${comments.length === 1 ? '' : 's'}`);
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
  if (result.status === 'planned') await replyStep(settings, context, trigger, result, deps);
  return result;
}

/** The thread that asked gets a line linking the new revision: the line comment's, or the review's first inline comment's. */
async function replyStep(
  settings: Settings,
  context: ActionContext,
  trigger: ReviewTrigger,
  result: ActionResultFields,
  deps: ActionDeps,
): Promise<void> {
  const { client, log } = deps;
  let commentId: number | undefined = trigger.kind === 'line-command' ? trigger.commentId : undefined;
  if (trigger.kind === 'review') {
    const first = (await reviewComments(client, context.repo, trigger.pullNumber, trigger.reviewId)).find((c) => c.inReplyTo === null);
    commentId = first?.id;
  }
  if (commentId === undefined) return; // a review without inline comments: the plan comment and the status comment say it
  const writes = new Writes(client, context, settings.dryRun, log);
  const marker = replyMarker(trigger.kind === 'review' ? `review-${trigger.reviewId}` : `comment-${commentId}`);
  await writes
    .replyOnce(trigger.pullNumber, commentId, marker, reviewReply(result, marker))
    .catch((error: Error) => log.warning(`could not reply in the review thread: ${error.message}`));
}
