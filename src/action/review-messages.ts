// What wild-plan says in a review thread it re-planned from: one line, linking the new plan.
import { MARKER_PREFIX } from '../trigger.js';
import type { Trigger } from '../trigger.js';
import type { ActionResultFields } from './result.js';

/** Marks the one reply per review (or line command), so a re-run of the job does not answer twice. */
export function replyMarker(key: string): string {
  return `${MARKER_PREFIX}reply ${key} -->`;
}

export function reviewReply(result: ActionResultFields, marker: string): string {
  const revision = result.revision ? `revision ${result.revision}` : 'a new revision';
  const where = result.commentUrl ? `[the plan comment](${result.commentUrl})` : 'the plan comment';
  return `${marker}\nRe-planned with this review as ${revision}: see ${where} for what changed.`;
}

/** Why a revision was made, for the plan comment; none for a first plan by label or by hand. */
export function revisionCause(trigger: Extract<Trigger, { kind: 'plan' }>): string | undefined {
  const who = `@${trigger.sender.login}`;
  switch (trigger.source) {
    case 'review':
      return `re-planned from ${who}'s review`;
    case 'line':
      return `re-planned from ${who}'s comment on a line`;
    case 'comment':
      return trigger.steer ? `re-planned with ${who}'s direction` : `re-planned at ${who}'s request`;
    case 'edit':
      return `re-planned after ${who} edited the issue`;
    default:
      return undefined;
  }
}
