// Requests are judged by GitHub's OpenAPI description, and the fake's own answers are proven
// to fit the response schemas GitHub documents.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecIndex } from '../support/fake-github/openapi-spec.js';
import { checkResponse } from '../support/fake-github/openapi-validator.js';
import { createTestOctokit, type TestOctokit } from '../support/fake-github/octokit.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/server.js';

const REPO = { owner: 'octo', repo: 'lab' };
const FULL = 'octo/lab';

let fake: FakeGitHub;
let octokit: TestOctokit;

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: 'octo', name: 'lab', branches: ['wild-plan/issue-1'] });
  fake.addIssue(FULL, { title: 'Goal', user: 'alice', labels: ['wild-plan'] });
  octokit = createTestOctokit(fake);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.violations.length = 0;
});

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `token ${fake.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('requests GitHub would refuse', () => {
  it("createComment without a body: 422 in GitHub's words, and a violation", async () => {
    const res = await raw('POST', `/repos/${FULL}/issues/1/comments`, {});

    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatch(/issues\/create-comment.*"body" wasn't supplied/);
    expect(fake.comments(FULL, 1)).toEqual([]);
  });

  it('pulls.create with draft: "yes" is refused and nothing is created', async () => {
    const err = await octokit
      .request('POST /repos/{owner}/{repo}/pulls', {
        ...REPO,
        head: 'wild-plan/issue-1',
        base: 'main',
        title: 'Plan',
        draft: 'yes' as unknown as boolean,
      })
      .catch((e: { status: number; response: { data: unknown } }) => e);

    expect(err).toMatchObject({
      status: 422,
      response: { data: { message: 'Invalid request.\n\nFor \'properties/draft\', "yes" is not a boolean.' } },
    });
    expect(fake.violations).toEqual([expect.stringContaining('For \'properties/draft\', "yes" is not a boolean.')]);
    expect(fake.pulls(FULL)).toEqual([]);
  });

  it('a reaction GitHub does not have is refused', async () => {
    const { data: comment } = await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'hi' });
    const res = await raw('POST', `/repos/${FULL}/issues/comments/${comment.id}/reactions`, { content: 'smile' });

    expect(res.status).toBe(422);
    expect(fake.violations).toEqual([expect.stringContaining('"smile" is not a member of')]);
  });

  it('a body that is not JSON gets 400 Problems parsing JSON', async () => {
    const res = await raw('POST', `/repos/${FULL}/issues/1/comments`, '{"body": ');
    expect(res).toMatchObject({ status: 400, json: { message: 'Problems parsing JSON' } });
    expect(fake.violations).toEqual([expect.stringContaining('not valid JSON')]);
  });

  it('a path GitHub does not have: 404 Not Found and a violation', async () => {
    const err = await octokit.request('GET /repos/{owner}/{repo}/plans', REPO).catch((e: { status: number }) => e);

    expect(err).toMatchObject({ status: 404 });
    expect(fake.violations).toEqual([`GET /repos/${FULL}/plans: no such route in GitHub's REST API`]);
  });

  it('a non-numeric issue number does not route on GitHub either', async () => {
    const res = await raw('GET', `/repos/${FULL}/issues/abc`);
    expect(res.status).toBe(404);
    expect(fake.violations).toEqual([expect.stringContaining('issues/get')]);
  });

  it('a real GitHub route the fake does not implement is a violation, not a silent success', async () => {
    const err = await octokit.rest.repos.listBranches(REPO).catch((e: { status: number }) => e);

    expect(err).toMatchObject({ status: 404 });
    expect(fake.violations).toEqual([expect.stringContaining('fake-github does not implement repos/list-branches')]);
  });
});

describe('requests GitHub accepts but silently ignores part of', () => {
  it('an unknown body property is a violation, though the request succeeds', async () => {
    const pr = await fake.addPullRequest(FULL, { title: 'Plan', head: 'ignored-draft' });
    const { status } = await octokit.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...REPO,
      pull_number: pr.number,
      draft: false,
    } as never);

    expect(status).toBe(200);
    expect(fake.violations).toEqual([expect.stringContaining("unknown body property 'draft'")]);
  });

  it('an unknown query parameter is a violation', async () => {
    await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...REPO, issue_number: 1, perPage: 100 } as never);
    expect(fake.violations).toEqual([expect.stringContaining("unknown query parameter 'perPage'")]);
  });

  it('pulls.list with head but no "owner:" is a violation: GitHub would list every pull request', async () => {
    await fake.addPullRequest(FULL, { title: 'Unrelated', head: 'unrelated' });
    const { data } = await octokit.rest.pulls.list({ ...REPO, head: 'some-other-branch' });
    expect(data.length).toBeGreaterThan(0);
    expect(fake.violations).toEqual([expect.stringContaining('no "owner:" prefix')]);
  });
});

describe("the fake's answers fit GitHub's response schemas", () => {
  it('for every endpoint the action uses', async () => {
    const quiet = await startFakeGitHub({ checkResponses: false });
    try {
      quiet.addRepo({ owner: 'octo', name: 'lab', branches: ['feature'] });
      quiet.addRepo({ owner: 'alice', name: 'lab', forkOf: 'octo/lab', branches: ['fix'] });
      quiet.addIssue('octo/lab', { title: 'Goal', body: null, labels: ['a'], user: 'alice' });
      const ok = createTestOctokit(quiet);
      const index = await loadSpecIndex();
      const shapes: Array<[string, string, { status: number; data: unknown }]> = [];
      const add = (method: string, route: string, res: { status: number; data: unknown }) => shapes.push([method, route, res]);

      add('GET', '/repos/{owner}/{repo}', await ok.rest.repos.get(REPO));
      add('GET', '/repos/{owner}/{repo}', await ok.rest.repos.get({ owner: 'alice', repo: 'lab' }));
      add('GET', '/repos/{owner}/{repo}/issues/{issue_number}', await ok.rest.issues.get({ ...REPO, issue_number: 1 }));
      const created = await ok.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'x' });
      add('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', created);
      add('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', await ok.rest.issues.listComments({ ...REPO, issue_number: 1 }));
      add(
        'GET',
        '/repos/{owner}/{repo}/issues/comments/{comment_id}',
        await ok.rest.issues.getComment({ ...REPO, comment_id: created.data.id }),
      );
      add(
        'PATCH',
        '/repos/{owner}/{repo}/issues/comments/{comment_id}',
        await ok.rest.issues.updateComment({ ...REPO, comment_id: created.data.id, body: 'y' }),
      );
      add(
        'POST',
        '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
        await ok.rest.reactions.createForIssueComment({ ...REPO, comment_id: created.data.id, content: 'eyes' }),
      );
      add(
        'POST',
        '/repos/{owner}/{repo}/issues/{issue_number}/reactions',
        await ok.rest.reactions.createForIssue({ ...REPO, issue_number: 1, content: 'rocket' }),
      );
      add(
        'GET',
        '/repos/{owner}/{repo}/collaborators/{username}/permission',
        await ok.rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'alice' }),
      );
      add(
        'POST',
        '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        await ok.rest.issues.addLabels({ ...REPO, issue_number: 1, labels: ['b'] }),
      );
      add(
        'GET',
        '/repos/{owner}/{repo}/issues/{issue_number}/labels',
        await ok.rest.issues.listLabelsOnIssue({ ...REPO, issue_number: 1 }),
      );
      add(
        'POST',
        '/repos/{owner}/{repo}/pulls',
        await ok.rest.pulls.create({ ...REPO, head: 'feature', base: 'main', title: 'P', draft: true }),
      );
      add(
        'POST',
        '/repos/{owner}/{repo}/pulls',
        await ok.rest.pulls.create({ ...REPO, head: 'alice:fix', base: 'main', title: 'From a fork' }),
      );
      add('GET', '/repos/{owner}/{repo}/pulls', await ok.rest.pulls.list({ ...REPO, state: 'all' }));
      add('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', await ok.rest.pulls.get({ ...REPO, pull_number: 2 }));
      add('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', await ok.rest.pulls.update({ ...REPO, pull_number: 2, state: 'closed' }));
      add('GET', '/repos/{owner}/{repo}/issues/{issue_number}', await ok.rest.issues.get({ ...REPO, issue_number: 2 }));

      const problems = shapes.flatMap(([method, route, res]) =>
        checkResponse(index, method, route, res.status, res.data).map((p) => `${method} ${route}: ${p}`),
      );
      expect(problems).toEqual([]);
      expect(shapes).toHaveLength(18);
      expect(quiet.violations).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('the schema check is strict enough to catch a wrong shape', async () => {
    const index = await loadSpecIndex();
    const { data } = await octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'x' });
    const broken = { ...data, id: String(data.id), created_at: 'yesterday' } as Record<string, unknown>;
    delete broken.html_url;

    const problems = checkResponse(index, 'POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201, broken);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("required property 'html_url'"),
        expect.stringContaining('/id must be integer'),
        expect.stringContaining('/created_at must match format "date-time"'),
      ]),
    );
  });

  it("loads GitHub's description once per process", async () => {
    expect(await loadSpecIndex()).toBe(await loadSpecIndex());
  });
});
