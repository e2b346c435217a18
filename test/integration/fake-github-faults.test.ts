// Injected faults reach Octokit as GitHub's would, and the plugins handle them as in production.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { primaryRateLimit, pullRequestAlreadyExists, secondaryRateLimit, serverError } from '../support/fake-github/faults.js';
import { createTestOctokit, type LimitEvent, type TestOctokit } from '../support/fake-github/octokit.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/server.js';

const REPO = { owner: 'octo', repo: 'lab' };
const FULL = 'octo/lab';
const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const PULLS = '/repos/{owner}/{repo}/pulls';

let fake: FakeGitHub;
let octokit: TestOctokit;
let limits: LimitEvent[];

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: 'octo', name: 'lab', branches: ['wild-plan/issue-1'] });
  fake.addIssue(FULL, { title: 'Goal', user: 'alice' });
  limits = [];
  octokit = createTestOctokit(fake, { limitEvents: limits });
});

afterEach(async () => {
  await fake.close();
});

async function failure(promise: Promise<unknown>): Promise<{ status: number; data: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status: number; message: string; response?: { data: unknown } };
    return { status: e.status, data: e.response?.data, message: e.message };
  }
  throw new Error('expected the request to fail');
}

describe('fault injection', () => {
  it('a 502 once is retried by the retry plugin and the caller never sees it', async () => {
    const fault = fake.inject({ method: 'POST', route: COMMENTS, ...serverError(502) });

    const { status, data } = await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'hello' });

    expect(status).toBe(201);
    expect(fault.hits).toBe(1);
    expect(fake.requestsTo('POST', COMMENTS).map((r) => r.status)).toEqual([502, 201]);
    expect(fake.comments(FULL, 1).map((c) => c.id)).toEqual([data.id]);
    expect(fake.violations).toEqual([]);
  });

  it('a secondary rate limit with retry-after is waited out by the throttling plugin', async () => {
    fake.inject({ method: 'POST', route: COMMENTS, ...secondaryRateLimit(1) });

    const { status } = await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'hello' });

    expect(status).toBe(201);
    expect(limits).toMatchObject([{ kind: 'secondary', retryAfter: 1, method: 'POST', retryCount: 0, retried: true }]);
    expect(fake.requestsTo('POST', COMMENTS).map((r) => r.status)).toEqual([403, 201]);
    expect(fake.comments(FULL, 1)).toHaveLength(1);
  });

  it('a secondary rate limit that does not lift ends in the 403 after the allowed retries', async () => {
    fake.inject({ method: 'POST', route: COMMENTS, times: Infinity, ...secondaryRateLimit(1) });

    const err = await failure(octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'hello' }));

    expect(err.status).toBe(403);
    expect(err.message).toContain('secondary rate limit');
    expect(limits.map((l) => l.retried)).toEqual([true, true, false]);
    expect(fake.comments(FULL, 1)).toEqual([]);
  });

  it('a primary rate limit (x-ratelimit-remaining: 0) goes to onRateLimit and is retried', async () => {
    fake.inject({ method: 'GET', route: '/repos/{owner}/{repo}', ...primaryRateLimit(Math.floor(Date.now() / 1000)) });

    const { data } = await octokit.rest.repos.get(REPO);

    expect(data.full_name).toBe(FULL);
    expect(limits).toMatchObject([{ kind: 'primary', retried: true }]);
  });

  it('a racing run that opened the pull request first: 422 already exists, then the list finds it', async () => {
    fake.inject({
      method: 'POST',
      route: PULLS,
      ...pullRequestAlreadyExists('octo:wild-plan/issue-1'),
      sideEffect: () => fake.addPullRequest(FULL, { title: 'Plan (other run)', head: 'wild-plan/issue-1', user: 'github-actions[bot]' }),
    });

    const err = await failure(octokit.rest.pulls.create({ ...REPO, head: 'wild-plan/issue-1', base: 'main', title: 'Plan' }));
    const { data: open } = await octokit.rest.pulls.list({ ...REPO, head: 'octo:wild-plan/issue-1', state: 'open' });

    expect(err.status).toBe(422);
    expect(err.data).toMatchObject({ errors: [{ message: 'A pull request already exists for octo:wild-plan/issue-1.' }] });
    expect(open.map((p) => p.title)).toEqual(['Plan (other run)']);
    expect(fake.violations).toEqual([]);
  });

  it('a fault can target only some requests', async () => {
    fake.addIssue(FULL, { title: 'Other' });
    fake.inject({
      method: 'GET',
      route: '/repos/{owner}/{repo}/issues/{issue_number}',
      status: 404,
      body: { message: 'Not Found' },
      when: (r) => r.params.issue_number === '2',
    });

    expect((await octokit.rest.issues.get({ ...REPO, issue_number: 1 })).status).toBe(200);
    expect((await failure(octokit.rest.issues.get({ ...REPO, issue_number: 2 }))).status).toBe(404);
  });

  it("a comment deleted behind the action's back makes the edit a 404", async () => {
    const { data } = await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: '<!-- sticky -->' });
    fake.deleteComment(data.id);

    const err = await failure(octokit.rest.issues.updateComment({ ...REPO, comment_id: data.id, body: '<!-- sticky --> v2' }));

    expect(err.status).toBe(404);
    expect(err.data).toMatchObject({ message: 'Not Found' });
    expect((await failure(octokit.rest.issues.getComment({ ...REPO, comment_id: data.id }))).status).toBe(404);
  });

  it('deleting a comment through the API answers 204 and the comment is gone', async () => {
    const { data } = await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'bye' });
    const res = await octokit.rest.issues.deleteComment({ ...REPO, comment_id: data.id });
    expect(res.status).toBe(204);
    expect(fake.comment(data.id)).toBeUndefined();
  });

  it('refuses to inject on a route GitHub does not have', () => {
    expect(() => fake.inject({ method: 'POST', route: '/repos/{owner}/{repo}/pull', status: 500 })).toThrow(/not an operation/);
  });
});

describe('credentials and accounting', () => {
  it('answers a wrong token with 401 Bad credentials and records every token presented', async () => {
    const wrong = createTestOctokit(fake, { token: 'ghp_wrongwrongwrong' });

    const err = await failure(wrong.rest.repos.get(REPO));

    expect(err.status).toBe(401);
    expect(err.data).toMatchObject({ message: 'Bad credentials' });
    expect(fake.requests.map((r) => r.token)).toEqual(['ghp_wrongwrongwrong']);
  });

  it('answers a request without credentials with 401 Requires authentication', async () => {
    const res = await fetch(`${fake.url}/repos/${FULL}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Requires authentication' });
    expect(fake.requests[0]?.token).toBeUndefined();
  });

  it('accepts extra tokens as other users, whose writes are attributed to them', async () => {
    fake.addToken('ghp_alice', 'alice');
    const alice = createTestOctokit(fake, { token: 'ghp_alice' });

    const { data } = await alice.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'me' });

    expect(data.user?.login).toBe('alice');
    expect(data.author_association).toBe('NONE');
  });

  it('counts reads and writes so a test can assert "no write calls"', async () => {
    await octokit.rest.repos.get(REPO);
    await octokit.rest.issues.get({ ...REPO, issue_number: 1 });
    expect(fake.writes()).toEqual([]);

    await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'one' });
    await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'two' });

    expect(fake.writes().map((w) => `${w.method} ${w.route} ${JSON.stringify(w.body)}`)).toEqual([
      `POST ${COMMENTS} {"body":"one"}`,
      `POST ${COMMENTS} {"body":"two"}`,
    ]);
    expect(fake.requests.map((r) => r.operationId)).toEqual(['repos/get', 'issues/get', 'issues/create-comment', 'issues/create-comment']);
    expect(fake.requests.every((r) => r.token === fake.token)).toBe(true);
  });
});
