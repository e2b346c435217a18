// The fake's review routes answer a real Octokit the way GitHub documents: shapes checked
// against @octokit/openapi (every response the fake sends is validated; a mismatch is a
// violation), 404 for unknown ids, 422 for a bad body.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecIndex } from '../support/fake-github/openapi-spec.js';
import { checkResponse } from '../support/fake-github/openapi-validator.js';
import { createTestOctokit, type TestOctokit } from '../support/fake-github/octokit.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/server.js';
import type { ReviewRecord } from '../support/fake-github/state-reviews.js';

const REPO = { owner: 'octo-org', repo: 'research' };
const FULL = 'octo-org/research';

let fake: FakeGitHub;
let octokit: TestOctokit;
let changes: ReviewRecord;
let approval: ReviewRecord;
let pullNumber: number;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: 'octo-org', name: 'research', branches: ['wild-plan/issue-1'] });
  fake.setPermission(FULL, 'alice', 'write');
  fake.addIssue(FULL, { title: 'Goal', user: 'alice' });
  const pr = await fake.addPullRequest(FULL, { title: 'Research plan for #1', head: 'wild-plan/issue-1', user: 'github-actions[bot]' });
  pullNumber = pr.number;
  changes = fake.addReview(FULL, pullNumber, {
    user: 'alice',
    state: 'CHANGES_REQUESTED',
    body: 'Use 5 seeds and drop P4-T3.',
    comments: [
      { path: 'tasks.md', line: 12, body: '5 seeds here, please' },
      { path: 'tasks.md', line: 20, side: 'LEFT', startLine: 18, body: '/wild-plan merge these two tasks', user: 'bob' },
    ],
  });
  approval = fake.addReview(FULL, pullNumber, { user: 'bob', state: 'APPROVED' });
  // Someone else's pending review: GitHub shows it to its author only.
  fake.addReview(FULL, pullNumber, { user: 'carol', state: 'PENDING', comments: [{ path: 'tasks.md', line: 3, body: 'draft' }] });
  octokit = createTestOctokit(fake);
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

async function outcome(promise: Promise<{ status: number; data: unknown }>): Promise<{ status: number; data: unknown }> {
  try {
    const { status, data } = await promise;
    return { status, data };
  } catch (error) {
    const e = error as { status: number; response?: { data: unknown } };
    return { status: e.status, data: e.response?.data };
  }
}

describe('reviews', () => {
  it('lists submitted reviews in order, hiding pending ones of others', async () => {
    const { data } = await octokit.rest.pulls.listReviews({ ...REPO, pull_number: pullNumber });
    expect(data.map((r) => [r.id, r.state, r.user?.login, r.body])).toEqual([
      [changes.id, 'CHANGES_REQUESTED', 'alice', 'Use 5 seeds and drop P4-T3.'],
      [approval.id, 'APPROVED', 'bob', ''],
    ]);
    expect(data[0]).toMatchObject({ commit_id: expect.stringMatching(/^[0-9a-f]{40}$/), author_association: 'COLLABORATOR' });
  });

  it('gets one review, and 404 for an unknown id or a review of another pull request', async () => {
    const { data } = await octokit.rest.pulls.getReview({ ...REPO, pull_number: pullNumber, review_id: changes.id });
    expect(data).toMatchObject({ id: changes.id, state: 'CHANGES_REQUESTED', submitted_at: expect.any(String) });
    expect((await outcome(octokit.rest.pulls.getReview({ ...REPO, pull_number: pullNumber, review_id: 999_999 }))).status).toBe(404);
    const other = await fake.addPullRequest(FULL, { title: 'Other', head: 'other' });
    const foreign = await outcome(octokit.rest.pulls.getReview({ ...REPO, pull_number: other.number, review_id: changes.id }));
    expect(foreign).toMatchObject({ status: 404, data: { message: 'Not Found' } });
  });

  it("lists a review's inline comments with path, line, side, body, user and commit", async () => {
    const { data } = await octokit.rest.pulls.listCommentsForReview({ ...REPO, pull_number: pullNumber, review_id: changes.id });
    expect(data.map((c) => [c.path, c.line, c.side, c.start_line, c.body, c.user?.login, c.commit_id])).toEqual([
      ['tasks.md', 12, 'RIGHT', null, '5 seeds here, please', 'alice', changes.commitId],
      ['tasks.md', 20, 'LEFT', 18, '/wild-plan merge these two tasks', 'bob', changes.commitId],
    ]);
    expect(data[0]!.diff_hunk).toMatch(/^@@ /);
    expect(data[0]!.pull_request_review_id).toBe(changes.id);
    const missing = await outcome(octokit.rest.pulls.listCommentsForReview({ ...REPO, pull_number: pullNumber, review_id: 1 }));
    expect(missing.status).toBe(404);
  });

  it("lists a pull request's review comments, sorted as asked", async () => {
    const all = await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber });
    expect(all.data.map((c) => c.body)).toEqual(['5 seeds here, please', '/wild-plan merge these two tasks']);
    const newest = await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber, sort: 'created', direction: 'desc' });
    expect(newest.data.map((c) => c.body)).toEqual(['/wild-plan merge these two tasks', '5 seeds here, please']);
    const paged = await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber, per_page: 1 });
    expect(paged.data).toHaveLength(1);
    expect(paged.headers.link).toContain('rel="next"');
    expect((await octokit.rest.pulls.get({ ...REPO, pull_number: pullNumber })).data.review_comments).toBe(3);
  });
});

describe('replies and reactions', () => {
  it('replies in the thread, as a new review by the replier', async () => {
    const [first] = fake.reviewComments(FULL, pullNumber);
    const { status, data } = await octokit.rest.pulls.createReplyForReviewComment({
      ...REPO,
      pull_number: pullNumber,
      comment_id: first!.id,
      body: 'Re-planned with 5 seeds.',
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ in_reply_to_id: first!.id, path: 'tasks.md', line: 12, body: 'Re-planned with 5 seeds.' });
    expect(data.user?.login).toBe('github-actions[bot]');
    expect(fake.reviews(FULL, pullNumber).at(-1)).toMatchObject({ state: 'COMMENTED', user: { login: 'github-actions[bot]' } });
    const listed = await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber });
    expect(listed.data.map((c) => c.id)).toContain(data.id);
  });

  it('refuses a reply with a blank or missing body (422) or to an unknown comment (404)', async () => {
    const [first] = fake.reviewComments(FULL, pullNumber);
    const blank = await outcome(
      octokit.rest.pulls.createReplyForReviewComment({ ...REPO, pull_number: pullNumber, comment_id: first!.id, body: '  ' }),
    );
    expect(blank).toMatchObject({
      status: 422,
      data: { message: 'Validation Failed', errors: [{ code: 'missing_field', field: 'body' }] },
    });
    const unknown = await outcome(
      octokit.rest.pulls.createReplyForReviewComment({ ...REPO, pull_number: pullNumber, comment_id: 424_242, body: 'hi' }),
    );
    expect(unknown.status).toBe(404);

    const missing = await outcome(
      octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies', {
        ...REPO,
        pull_number: pullNumber,
        comment_id: first!.id,
      } as never),
    );
    expect(missing.status).toBe(422);
    expect(fake.violations).toEqual([expect.stringContaining('"body" wasn\'t supplied')]);
    fake.violations.length = 0;
    expect(fake.reviewComments(FULL, pullNumber)).toHaveLength(3);
  });

  it('reacts to a review comment once per person and kind', async () => {
    const [first] = fake.reviewComments(FULL, pullNumber);
    const one = await octokit.rest.reactions.createForPullRequestReviewComment({ ...REPO, comment_id: first!.id, content: 'eyes' });
    const two = await octokit.rest.reactions.createForPullRequestReviewComment({ ...REPO, comment_id: first!.id, content: 'eyes' });
    expect([one.status, two.status]).toEqual([201, 200]);
    expect(two.data.id).toBe(one.data.id);
    const [listed] = (await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber })).data;
    expect(listed!.reactions).toMatchObject({ total_count: 1, eyes: 1 });
    const unknown = await outcome(octokit.rest.reactions.createForPullRequestReviewComment({ ...REPO, comment_id: 7, content: 'eyes' }));
    expect(unknown.status).toBe(404);
    const bad = await outcome(
      octokit.rest.reactions.createForPullRequestReviewComment({ ...REPO, comment_id: first!.id, content: 'smile' as 'eyes' }),
    );
    expect(bad.status).toBe(422);
    expect(fake.violations).toEqual([expect.stringContaining('"smile" is not a member of')]);
    fake.violations.length = 0;
  });
});

describe('compare', () => {
  it('answers the changed files a test seeds, by branch name or sha', async () => {
    fake.setComparison(FULL, 'main', 'wild-plan/issue-1', {
      files: [
        { filename: 'tasks.md', additions: 3, deletions: 1, patch: '@@ -1 +1 @@' },
        { filename: 'prompt_skill_playbook.md', status: 'added' },
      ],
    });
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...wild-plan/issue-1' });
    expect(data).toMatchObject({ status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1 });
    expect(data.files?.map((f) => [f.filename, f.status, f.changes])).toEqual([
      ['tasks.md', 'modified', 4],
      ['prompt_skill_playbook.md', 'added', 1],
    ]);
    const same = await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...main' });
    expect(same.data).toMatchObject({ status: 'identical', ahead_by: 0, files: [] });
  });

  it('404 for an unknown ref; an unseeded comparison is a violation, not an invented answer', async () => {
    expect((await outcome(octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...nope' }))).status).toBe(404);
    expect((await outcome(octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main' }))).status).toBe(404);
    const unseeded = await outcome(octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...wild-plan/issue-1' }));
    expect(unseeded.status).toBe(404);
    expect(fake.violations).toEqual([expect.stringContaining('seed the comparison main...wild-plan/issue-1')]);
    fake.violations.length = 0;
  });
});

it("every answer fits GitHub's response schema", async () => {
  const index = await loadSpecIndex();
  const [first] = fake.reviewComments(FULL, pullNumber);
  fake.setComparison(FULL, 'main', 'wild-plan/issue-1', { files: [{ filename: 'tasks.md', status: 'removed' }] });
  const shapes: Array<[string, string, { status: number; data: unknown }]> = [
    [
      'GET',
      '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      await octokit.rest.pulls.listReviews({ ...REPO, pull_number: pullNumber }),
    ],
    [
      'GET',
      '/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}',
      await octokit.rest.pulls.getReview({ ...REPO, pull_number: pullNumber, review_id: changes.id }),
    ],
    [
      'GET',
      '/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments',
      await octokit.rest.pulls.listCommentsForReview({ ...REPO, pull_number: pullNumber, review_id: changes.id }),
    ],
    [
      'GET',
      '/repos/{owner}/{repo}/pulls/{pull_number}/comments',
      await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber }),
    ],
    [
      'POST',
      '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
      await octokit.rest.pulls.createReplyForReviewComment({ ...REPO, pull_number: pullNumber, comment_id: first!.id, body: 'ok' }),
    ],
    [
      'POST',
      '/repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions',
      await octokit.rest.reactions.createForPullRequestReviewComment({ ...REPO, comment_id: first!.id, content: '+1' }),
    ],
    [
      'GET',
      '/repos/{owner}/{repo}/compare/{basehead}',
      await octokit.rest.repos.compareCommitsWithBasehead({ ...REPO, basehead: 'main...wild-plan/issue-1' }),
    ],
  ];
  const problems = shapes.flatMap(([method, route, res]) =>
    checkResponse(index, method, route, res.status, res.data).map((p) => `${method} ${route}: ${p}`),
  );
  expect(problems).toEqual([]);
  // A file-level comment has no line: the two comment shapes must still fit.
  fake.addReview(FULL, pullNumber, { user: 'alice', comments: [{ path: 'tasks.md', body: 'whole file', position: null }] });
  const fileLevel = await octokit.rest.pulls.listReviewComments({ ...REPO, pull_number: pullNumber });
  expect(checkResponse(index, 'GET', '/repos/{owner}/{repo}/pulls/{pull_number}/comments', 200, fileLevel.data)).toEqual([]);
  expect(fileLevel.data.at(-1)).toMatchObject({ subject_type: 'file', body: 'whole file' });
});
