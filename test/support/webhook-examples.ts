import { createRequire } from 'node:module';

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
