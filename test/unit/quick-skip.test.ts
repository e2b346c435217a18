import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { quickSkip } from '../../src/quick-skip.js';
import { decideTrigger } from '../../src/trigger.js';
import { issueComment, labeledIssue, webhookExample } from '../support/webhook-examples.js';

type Example = { name: string; examples: Array<Record<string, any>> };
const all = createRequire(import.meta.url)('@octokit/webhooks-examples') as Example[];

describe('quickSkip', () => {
  it('never skips an event the full decision would plan (every real example, both labels)', () => {
    let checked = 0;
    for (const group of all) {
      for (const payload of group.examples) {
        for (const label of ['bug', 'wild-plan']) {
          const variants = [payload, { ...payload, comment: payload.comment && { ...payload.comment, body: '/wild-plan go' } }];
          for (const variant of variants) {
            if (quickSkip(group.name, variant, label) !== null) expect(decideTrigger(group.name, variant, label).kind).toBe('skip');
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('skips the common irrelevant events without the full decision', () => {
    expect(quickSkip('issues', webhookExample('issues', 'labeled'), 'wild-plan')).toMatch(/label `bug`/);
    expect(quickSkip('issue_comment', issueComment('thanks!'), 'wild-plan')).toMatch(/does not start with/);
    expect(quickSkip('push', {}, 'wild-plan')).toMatch(/`push` event/);
  });

  it('leaves real requests to the full decision', () => {
    expect(quickSkip('issues', labeledIssue('wild-plan'), 'wild-plan')).toBeNull();
    expect(quickSkip('issue_comment', issueComment('/wild-plan more seeds'), 'wild-plan')).toBeNull();
    expect(quickSkip('workflow_dispatch', webhookExample('workflow_dispatch'), 'wild-plan')).toBeNull();
  });
});
