// GitHub's own review payloads load, typed, with every field the replan-from-review command reads.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { reviewCommentCreated, reviewSubmitted } from '../support/webhook-examples.js';

describe('pull_request_review.submitted', () => {
  it('has the review and the pull request head the router needs', () => {
    const payload = reviewSubmitted({ state: 'changes_requested', body: 'Use 5 seeds.' });
    expect(payload.action).toBe('submitted');
    expect(payload.review).toMatchObject({
      state: 'changes_requested',
      body: 'Use 5 seeds.',
      commit_id: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(payload.review.user).toMatchObject({ login: expect.any(String), type: 'User' });
    expect(payload.pull_request.head).toMatchObject({ ref: expect.any(String), sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(payload.pull_request.number).toEqual(expect.any(Number));
    expect(payload.repository.full_name).toContain('/');
    expectTypeOf(payload.review.body).toEqualTypeOf<string | null>();
  });

  it('keeps GitHub’s values when nothing is overridden, and each call is a fresh copy', () => {
    const real = reviewSubmitted();
    expect(real.review.state).toBe('commented');
    expect(real.review.body).toBeNull();
    real.review.body = 'changed';
    expect(reviewSubmitted().review.body).toBeNull();
  });
});

describe('pull_request_review_comment.created', () => {
  it('has the inline comment with its path, line, side, body and diff hunk', () => {
    const payload = reviewCommentCreated({ body: '/wild-plan merge P2-T1 and P2-T2', path: 'tasks.md', line: 12 });
    expect(payload.action).toBe('created');
    expect(payload.comment).toMatchObject({
      path: 'tasks.md',
      line: 12,
      side: 'RIGHT',
      body: '/wild-plan merge P2-T1 and P2-T2',
      diff_hunk: expect.stringMatching(/^@@ /),
      pull_request_review_id: expect.any(Number),
    });
    expect(payload.comment.user.login).toEqual(expect.any(String));
    expect(payload.pull_request.head).toMatchObject({ ref: expect.any(String), sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expectTypeOf(payload.comment.line).toEqualTypeOf<number | null>();
  });

  it('refuses an example GitHub does not publish', () => {
    expect(() => reviewCommentCreated({}, 99)).toThrow(/no pull_request_review_comment.created example #99/);
  });
});
