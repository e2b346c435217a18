// The fake GitHub answers a real Octokit (getOctokit + retry + throttling) the way GitHub does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestOctokit, type TestOctokit } from '../support/fake-github/octokit.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/server.js';

const REPO = { owner: 'octo-org', repo: 'research' };
const FULL = 'octo-org/research';

let fake: FakeGitHub;
let octokit: TestOctokit;

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.addRepo({ owner: 'octo-org', name: 'research', defaultBranch: 'trunk', branches: ['wild-plan/issue-1'] });
  fake.addIssue(FULL, { title: 'Find a better optimiser', body: 'Goal: beat AdamW', labels: ['wild-plan'], user: 'alice' });
  fake.setPermission(FULL, 'alice', 'maintain');
  octokit = createTestOctokit(fake);
});

afterEach(async () => {
  await fake.close();
});

async function status(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    const res = (await promise) as { status: number; data: unknown };
    return { status: res.status, data: res.data };
  } catch (error) {
    const e = error as { status: number; response?: { data: unknown } };
    return { status: e.status, data: e.response?.data };
  }
}

describe('fake GitHub with a real Octokit', () => {
  it('serves a whole planning run: repo, issue, permission, reaction, pull request, comments', async () => {
    const { data: repo } = await octokit.rest.repos.get(REPO);
    expect(repo).toMatchObject({ full_name: FULL, default_branch: 'trunk', fork: false, private: false });
    expect(repo.clone_url).toBe('https://github.example/octo-org/research.git');
    expect(repo.permissions).toMatchObject({ push: true, admin: false });

    const { data: issue } = await octokit.rest.issues.get({ ...REPO, issue_number: 1 });
    expect(issue).toMatchObject({ number: 1, state: 'open', title: 'Find a better optimiser', body: 'Goal: beat AdamW' });
    expect(issue.user).toMatchObject({ login: 'alice', type: 'User' });
    expect(issue.labels).toMatchObject([{ name: 'wild-plan' }]);
    expect(issue.pull_request).toBeUndefined();
    expect(issue.html_url).toBe('https://github.example/octo-org/research/issues/1');

    const trigger = fake.addComment(FULL, 1, { body: '/wild-plan focus on LR schedules', user: 'alice' });
    const { data: perm } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'alice' });
    expect(perm).toMatchObject({ permission: 'write', role_name: 'maintain', user: { login: 'alice' } });

    const first = await octokit.rest.reactions.createForIssueComment({ ...REPO, comment_id: trigger.id, content: 'eyes' });
    const again = await octokit.rest.reactions.createForIssueComment({ ...REPO, comment_id: trigger.id, content: 'eyes' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.data.id).toBe(first.data.id);
    expect(first.data.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' });

    const head = 'octo-org:wild-plan/issue-1';
    expect((await octokit.rest.pulls.list({ ...REPO, head, state: 'open' })).data).toEqual([]);
    const { status: created, data: pr } = await octokit.rest.pulls.create({
      ...REPO,
      head: 'wild-plan/issue-1',
      base: 'trunk',
      title: 'Research plan for #1',
      body: 'Closes #1',
      draft: true,
    });
    expect(created).toBe(201);
    // Issues and pull requests share one number sequence.
    expect(pr).toMatchObject({ number: 2, state: 'open', draft: true, head: { ref: 'wild-plan/issue-1' }, base: { ref: 'trunk' } });
    expect(pr.html_url).toBe('https://github.example/octo-org/research/pull/2');

    const listed = await octokit.rest.pulls.list({ ...REPO, head, state: 'open' });
    expect(listed.data.map((p) => p.number)).toEqual([2]);
    const { data: updated } = await octokit.rest.pulls.update({ ...REPO, pull_number: 2, body: 'Closes #1 (updated)' });
    expect(updated.body).toBe('Closes #1 (updated)');
    expect((await octokit.rest.pulls.get({ ...REPO, pull_number: 2 })).data.body).toBe('Closes #1 (updated)');

    const { status: commented, data: comment } = await octokit.rest.issues.createComment({
      ...REPO,
      issue_number: 2,
      body: '<!-- wild-plan -->\nplan',
    });
    expect(commented).toBe(201);
    expect(comment.html_url).toBe(`https://github.example/octo-org/research/pull/2#issuecomment-${comment.id}`);
    const { data: edited } = await octokit.rest.issues.updateComment({
      ...REPO,
      comment_id: comment.id,
      body: '<!-- wild-plan -->\nplan v2',
    });
    expect(edited.body).toBe('<!-- wild-plan -->\nplan v2');
    expect(fake.comments(FULL, 2).map((c) => c.body)).toEqual(['<!-- wild-plan -->\nplan v2']);

    const { data: asIssue } = await octokit.rest.issues.get({ ...REPO, issue_number: 2 });
    expect(asIssue.pull_request?.url).toBe(`${fake.url}/repos/${FULL}/pulls/2`);

    expect(fake.violations).toEqual([]);
  });

  it('pages comments 30 at a time with Link headers, so paginate() reaches a sticky comment on page 3', async () => {
    for (let i = 1; i <= 70; i++) fake.addComment(FULL, 1, { body: `chatter ${i}`, user: 'alice' });
    const sticky = fake.addComment(FULL, 1, { body: '<!-- wild-plan:status -->\nworking' });

    const all = await octokit.paginate(octokit.rest.issues.listComments, { ...REPO, issue_number: 1 });

    expect(all).toHaveLength(71);
    expect(all.at(-1)).toMatchObject({ id: sticky.id, body: '<!-- wild-plan:status -->\nworking' });
    const pages = fake.requestsTo('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments');
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
    expect(fake.violations).toEqual([]);
  });

  it('sends rel="next" and rel="last" links, caps per_page at 100, and answers past the end with []', async () => {
    for (let i = 1; i <= 250; i++) fake.addComment(FULL, 1, { body: `c${i}`, user: 'alice' });

    const first = await octokit.rest.issues.listComments({ ...REPO, issue_number: 1, per_page: 500 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');

    const last = await octokit.rest.issues.listComments({ ...REPO, issue_number: 1, per_page: 100, page: 3 });
    expect(last.data.map((c) => c.body)).toEqual(Array.from({ length: 50 }, (_, i) => `c${i + 201}`));
    expect(last.headers.link).not.toContain('rel="next"');
    expect(last.headers.link).toContain('rel="first"');

    const beyond = await octokit.rest.issues.listComments({ ...REPO, issue_number: 1, page: 99 });
    expect(beyond.data).toEqual([]);
  });

  it('refuses a second open pull request for the same head with GitHub\'s "already exists" 422', async () => {
    const params = { ...REPO, head: 'wild-plan/issue-1', base: 'trunk', title: 'Plan' };
    await octokit.rest.pulls.create(params);

    const second = await status(octokit.rest.pulls.create(params));

    expect(second.status).toBe(422);
    expect(second.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for octo-org:wild-plan/issue-1.' }],
    });
    expect(fake.pulls(FULL)).toHaveLength(1);
  });

  it('refuses a pull request whose head branch does not exist, or has no commits over base', async () => {
    const missing = await status(octokit.rest.pulls.create({ ...REPO, head: 'nope', base: 'trunk', title: 'Plan' }));
    expect(missing.status).toBe(422);
    expect(missing.data).toMatchObject({ errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });

    fake.setBranch(FULL, 'empty', fake.state.mustRepo(FULL).branches.get('trunk'));
    const empty = await status(octokit.rest.pulls.create({ ...REPO, head: 'empty', base: 'trunk', title: 'Plan' }));
    expect(empty.data).toMatchObject({ errors: [{ code: 'custom', message: 'No commits between trunk and empty' }] });
  });

  it('asks a branch resolver (e.g. a bare git repository) which head branches exist and at which sha', async () => {
    const pushed = new Map([['wild-plan/issue-7', 'c0ffee'.padEnd(40, '0')]]);
    fake.addRepo({ owner: 'octo-org', name: 'git-backed', resolveBranch: (branch) => pushed.get(branch) });
    const repo = { owner: 'octo-org', repo: 'git-backed' };

    const before = await status(octokit.rest.pulls.create({ ...repo, head: 'wild-plan/issue-8', base: 'main', title: 'Plan' }));
    const { data: pr } = await octokit.rest.pulls.create({ ...repo, head: 'wild-plan/issue-7', base: 'main', title: 'Plan' });

    expect(before.status).toBe(422);
    expect(pr.head).toMatchObject({ ref: 'wild-plan/issue-7', sha: pushed.get('wild-plan/issue-7'), label: 'octo-org:wild-plan/issue-7' });
  });

  it('closing and reopening a pull request follows GitHub: reopen refused while another is open for the head', async () => {
    const params = { ...REPO, head: 'wild-plan/issue-1', base: 'trunk', title: 'Plan' };
    const { data: first } = await octokit.rest.pulls.create(params);
    const closed = await octokit.rest.pulls.update({ ...REPO, pull_number: first.number, state: 'closed' });
    expect(closed.data).toMatchObject({ state: 'closed' });
    expect(closed.data.closed_at).not.toBeNull();
    await octokit.rest.pulls.create(params);

    const reopen = await status(octokit.rest.pulls.update({ ...REPO, pull_number: first.number, state: 'open' }));

    expect(reopen.status).toBe(422);
    expect((await octokit.rest.pulls.list({ ...REPO, state: 'all' })).data.map((p) => p.state)).toEqual(['open', 'closed']);
  });

  it('refuses comments longer than 65536 characters, counting characters not UTF-16 units', async () => {
    const tooLong = await status(octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: 'x'.repeat(65_537) }));
    expect(tooLong.status).toBe(422);
    expect(tooLong.data).toMatchObject({
      message: 'Validation Failed',
      errors: [
        { resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' },
      ],
    });

    const emoji = await status(octokit.rest.issues.createComment({ ...REPO, issue_number: 1, body: '🔬'.repeat(65_536) }));
    expect(emoji.status).toBe(201);
  });

  it('answers the permission check as GitHub does for roles, outsiders, private repos and unknown users', async () => {
    fake.addUser({ login: 'mallory' });
    fake.setPermission(FULL, 'tess', 'triage');
    fake.addRepo({ owner: 'octo-org', name: 'secret', private: true });
    fake.addRepo({ owner: 'octo-org', name: 'strict', nonCollaborators: 'not-found' });
    const level = (repo: string, username: string) =>
      status(octokit.rest.repos.getCollaboratorPermissionLevel({ owner: 'octo-org', repo, username }));

    expect((await level('research', 'tess')).data).toMatchObject({ permission: 'read', role_name: 'triage' });
    expect((await level('research', 'octo-org')).data).toMatchObject({ permission: 'admin', role_name: 'admin' });
    expect((await level('research', 'mallory')).data).toMatchObject({ permission: 'read' });
    expect((await level('secret', 'mallory')).data).toMatchObject({ permission: 'none' });
    expect((await level('strict', 'mallory')).status).toBe(404);
    expect((await level('research', 'ghost')).status).toBe(404);
    expect(fake.violations).toEqual([]);
  });

  it('holds a read-only token to what GitHub allows it', async () => {
    fake.setPermission(FULL, fake.actor.login, 'read');

    const pr = await status(octokit.rest.pulls.create({ ...REPO, head: 'wild-plan/issue-1', base: 'trunk', title: 'Plan' }));
    const labels = await status(octokit.rest.issues.addLabels({ ...REPO, issue_number: 1, labels: ['planned'] }));
    const perm = await status(octokit.rest.repos.getCollaboratorPermissionLevel({ ...REPO, username: 'alice' }));

    expect([pr.status, labels.status, perm.status]).toEqual([403, 403, 403]);
    expect(pr.data).toMatchObject({ message: 'Resource not accessible by integration' });
    expect(fake.pulls(FULL)).toEqual([]);
  });

  it('adds labels, creating unknown ones on the repository', async () => {
    const { data } = await octokit.rest.issues.addLabels({ ...REPO, issue_number: 1, labels: ['planned', 'wild-plan'] });
    expect(data.map((l) => l.name)).toEqual(['wild-plan', 'planned']);
    const listed = await octokit.rest.issues.listLabelsOnIssue({ ...REPO, issue_number: 1 });
    expect(listed.data.map((l) => l.name)).toEqual(['wild-plan', 'planned']);
    expect(fake.violations).toEqual([]);
  });
});
