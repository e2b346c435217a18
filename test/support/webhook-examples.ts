import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';

// Real webhook payloads published by GitHub (@octokit/webhooks-examples), deep-copied so
// a test can adapt one (a label name, a sender) without touching the others.
type Example = { name: string; examples: Array<Record<string, any>> };
const all = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];

export function webhookExample(event: string, action?: string, index = 0): Record<string, any> {
  const group = all.find((e) => e.name === event);
  if (!group) throw new Error(`no webhook examples for ${event}`);
  const matching = group.examples.filter((e) => action === undefined || e.action === action);
  const example = matching[index];
  if (!example) throw new Error(`no ${event}.${action} example #${index}`);
  return structuredClone(example);
}

/** An `issues.labeled` payload whose label is `label` (the real example's label is `bug`). */
export function labeledIssue(label: string): Record<string, any> {
  const payload = webhookExample('issues', 'labeled');
  payload.label = { ...payload.label, name: label };
  payload.issue.labels = [...(payload.issue.labels ?? []).filter((l: any) => l.name !== label), { ...payload.label }];
  return payload;
}

/** An `issue_comment.created` payload (on an issue, not a PR) with the given body. */
export function issueComment(body: string, index = 0): Record<string, any> {
  const payload = webhookExample('issue_comment', 'created', index);
  payload.comment.body = body;
  return payload;
}

// The review events GitHub sends for a plan PR, typed from @octokit/webhooks-types (which the
// examples package declares its examples with) so a router test reads fields by name.
type ExampleOf<E extends WebhookDefinition['name']> = WebhookDefinition<E>['examples'][number];
export type ReviewSubmittedPayload = Extract<ExampleOf<'pull_request_review'>, { action: 'submitted' }>;
export type ReviewCommentCreatedPayload = Extract<ExampleOf<'pull_request_review_comment'>, { action: 'created' }>;

/**
 * A `pull_request_review.submitted` payload with the given state and body (the real examples
 * are all `commented` with no body). `index` picks among GitHub's examples.
 */
export function reviewSubmitted(
  review: { state?: 'approved' | 'changes_requested' | 'commented'; body?: string | null } = {},
  index = 0,
): ReviewSubmittedPayload {
  const payload = webhookExample('pull_request_review', 'submitted', index) as ReviewSubmittedPayload;
  if (review.state !== undefined) payload.review.state = review.state;
  if (review.body !== undefined) payload.review.body = review.body;
  return payload;
}

/**
 * A `pull_request_review_comment.created` payload whose comment has the given body (and
 * line, when given). The default example is the one with `line` and `side` set (index 1):
 * GitHub's oldest example predates those fields.
 */
export function reviewCommentCreated(
  comment: { body?: string; line?: number; path?: string } = {},
  index = 1,
): ReviewCommentCreatedPayload {
  const payload = webhookExample('pull_request_review_comment', 'created', index) as ReviewCommentCreatedPayload;
  if (comment.body !== undefined) payload.comment.body = comment.body;
  if (comment.line !== undefined) payload.comment.line = comment.line;
  if (comment.path !== undefined) payload.comment.path = comment.path;
  return payload;
}
