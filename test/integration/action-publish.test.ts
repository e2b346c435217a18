// The action end to end in process: runAction with the production GitHub client (waits shrunk)
// against the fake GitHub, the Wild server fake, real git with a bare origin, and the scripted
// agent as a real child process. What a maintainer sees: the branch, the pull request, the
// plan comment on it, the status comment on the issue.
import { describe, expect, it } from 'vitest';
import { BOT_AUTHOR } from '../../src/git/commit.js';
import {
  ActionScenario,
  dispatchEvent,
  PLAN_MARKER,
  pullRequestLabeledEvent,
  RESEARCH_GOAL,
  STATUS_MARKER,
} from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const ISSUE_TITLE = 'Spelling error in the README file'; // the real payload's issue title
const TASKS = '.wild/plans/issue-1/tasks.md';
const PLAYBOOK = '.wild/plans/issue-1/prompt_skill_playbook.md';
const COMMENTS_ROUTE = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const COMMENT_ROUTE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const PULLS_ROUTE = '/repos/{owner}/{repo}/pulls';

const create = scenariosPerTest();

/** Branch names on origin. */
async function originBranches(s: ActionScenario): Promise<string[]> {
  const out = await s.git.git(s.git.origin, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']);
  return out.split('\n').filter(Boolean).sort();
}

describe('a labeled issue', () => {
  it('gets one bot commit with both plan files, one plan PR, one plan comment and a status comment that ends linking the PR', async () => {
    const s = await create();

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({
      status: 'planned',
      fail: false,
      branch: 'wild-plan/issue-1',
      prNumber: 2,
      tasksPath: TASKS,
      playbookPath: PLAYBOOK,
    });
    expect(s.fake.violations).toEqual([]);

    // origin: one commit on top of the default branch, by github-actions[bot], holding exactly the two files.
    const commits = await s.git.remoteLog(s.planBranch, s.defaultBranch);
    expect(commits).toHaveLength(1);
    const commit = await s.git.commit(commits[0]!);
    expect(commit).toMatchObject({ authorName: BOT_AUTHOR.name, authorEmail: BOT_AUTHOR.email, committerEmail: BOT_AUTHOR.email });
    expect(commit.parents).toEqual([await s.git.remoteHead(s.defaultBranch)]);
    expect(commit.files.sort()).toEqual([PLAYBOOK, TASKS]);
    expect(commit.subject).toBe(`Plan for #1: ${ISSUE_TITLE}`);
    const tasks = await s.git.remoteFile(s.planBranch, TASKS);
    expect(tasks).toMatch(/^## Phase 1 - /m);
    expect(tasks).toMatch(/^## Phase 5 - /m);
    expect(await s.git.remoteFile(s.planBranch, PLAYBOOK)).toContain('## Sweep/Run Audit Protocol');

    // One pull request from the plan branch into the default branch that names the issue.
    const pulls = s.fake.pulls(s.repo);
    expect(pulls).toHaveLength(1);
    const pr = pulls[0]!;
    expect(pr.number).toBe(result.prNumber);
    expect(pr.title).toBe(`Plan: ${ISSUE_TITLE}`);
    expect(pr.body).toContain('Refs #1');
    expect(pr.body).toContain(`\`${TASKS}\``);
    expect(pr.pull).toMatchObject({ head: { ref: 'wild-plan/issue-1' }, base: { ref: s.defaultBranch }, draft: false });
    expect(pr.user.login).toBe('github-actions[bot]');

    // The plan, as one comment on the PR that starts with the hidden marker.
    const prComments = s.fake.comments(s.repo, pr.number);
    expect(prComments).toHaveLength(1);
    expect(prComments[0]!.body.startsWith(PLAN_MARKER)).toBe(true);
    expect(prComments[0]!.body).toContain('Code Understanding and Refactor Prep');
    expect(prComments[0]!.body).toContain(`${s.fake.htmlUrl}/${s.repo}/blob/wild-plan/issue-1/${TASKS}`);
    expect(result.commentUrl).toBe(`${s.fake.htmlUrl}/${s.repo}/pull/2#issuecomment-${prComments[0]!.id}`);

    // One status comment on the issue: posted as "planning", edited in place to the result.
    const status = s.fake.comments(s.repo, 1);
    expect(status).toHaveLength(1);
    const posted = s.fake.requestsTo('POST', COMMENTS_ROUTE).filter((r) => r.path.endsWith('/issues/1/comments'));
    expect(posted).toHaveLength(1);
    expect((posted[0]!.body as { body: string }).body).toMatch(/^<!-- wild-plan:status -->\n### 🔄 wild-plan is planning/);
    expect(status[0]!.body.startsWith(STATUS_MARKER)).toBe(true);
    expect(status[0]!.body).toContain(`### ✅ Plan ready: [#2](${s.fake.htmlUrl}/${s.repo}/pull/2)`);
    expect(status[0]!.body).toContain(`/actions/runs/${s.runId}`);
  });

  it('run three times over gives still one branch, one PR, one plan comment and one status comment', async () => {
    const s = await create();
    const first = await s.runInProcess();
    const statusId = s.marked(1, STATUS_MARKER)[0]?.id;
    const planId = s.marked(2, PLAN_MARKER)[0]?.id;
    // Later runs start from a fresh checkout, as on a new runner.
    await s.freshCheckout();
    const second = await s.runInProcess();
    await s.freshCheckout();
    const third = await s.runInProcess();

    for (const { result } of [first, second, third])
      expect(result).toMatchObject({ status: 'planned', branch: 'wild-plan/issue-1', prNumber: 2 });
    expect(s.fake.violations).toEqual([]);
    expect(await originBranches(s)).toEqual([s.defaultBranch, 'wild-plan/issue-1'].sort());
    // The same plan each time: no empty commits stacked on the first one.
    const commits = await s.git.remoteLog(s.planBranch, s.defaultBranch);
    expect(commits).toHaveLength(1);
    for (const sha of commits) expect((await s.git.commit(sha)).authorEmail).toBe(BOT_AUTHOR.email);
    expect(second.logs.some((l) => l.message.includes('unchanged on the branch'))).toBe(true);

    expect(s.fake.pulls(s.repo)).toHaveLength(1);
    expect(s.fake.requestsTo('POST', PULLS_ROUTE)).toHaveLength(1);
    expect(s.marked(2, PLAN_MARKER).map((c) => c.id)).toEqual([planId]);
    expect(s.fake.comments(s.repo, 2)).toHaveLength(1);
    expect(s.marked(1, STATUS_MARKER).map((c) => c.id)).toEqual([statusId]);
    expect(s.fake.comments(s.repo, 1)).toHaveLength(1);
    expect(s.marked(1, STATUS_MARKER)[0]!.body).toContain('### ✅ Plan ready');
  });

  it('posts a fresh sticky comment when a person deleted the old one between runs, and still only one', async () => {
    const s = await create();
    await s.runInProcess();
    const [oldStatus] = s.marked(1, STATUS_MARKER);
    const [oldPlan] = s.marked(2, PLAN_MARKER);
    s.fake.deleteComment(oldStatus!.id);
    s.fake.deleteComment(oldPlan!.id);

    const { result } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(s.fake.violations).toEqual([]);
    const status = s.marked(1, STATUS_MARKER);
    const plan = s.marked(2, PLAN_MARKER);
    expect(status).toHaveLength(1);
    expect(plan).toHaveLength(1);
    expect(status[0]!.id).not.toBe(oldStatus!.id);
    expect(plan[0]!.id).not.toBe(oldPlan!.id);
    expect(status[0]!.body).toContain('### ✅ Plan ready');
    expect(result.commentUrl).toContain(`#issuecomment-${plan[0]!.id}`);
  });

  it('finds its status comment on a busy issue past the first page of comments', async () => {
    const s = await create();
    for (let i = 0; i < 120; i++) s.fake.addComment(s.repo, 1, { body: `Discussion ${i}`, user: 'Codertocat' });
    await s.runInProcess();
    const statusId = s.marked(1, STATUS_MARKER)[0]!.id;
    for (let i = 0; i < 120; i++) s.fake.addComment(s.repo, 1, { body: `More discussion ${i}`, user: 'Codertocat' });

    await s.runInProcess();

    expect(s.marked(1, STATUS_MARKER).map((c) => c.id)).toEqual([statusId]);
    expect(s.fake.violations).toEqual([]);
  });

  it('opens the PR as a draft from the given base branch', async () => {
    const s = await create({ inputs: { draft: 'true', 'base-branch': 'develop' } });
    const develop = await s.git.pushAsHuman({ branch: 'develop', files: { 'configs/ls.yaml': 'label_smoothing: 0.1\n' } });
    const { result } = await s.runInProcess();
    expect(result.status).toBe('planned');
    expect(s.fake.pulls(s.repo)[0]!.pull).toMatchObject({ draft: true, base: { ref: 'develop' } });
    expect((await s.git.commit((await s.git.remoteHead(s.planBranch))!)).parents).toEqual([develop]);
    expect(s.fake.violations).toEqual([]);
  });
});

describe('a manual run (workflow_dispatch)', () => {
  it('plans the issue named by its issue-number input', async () => {
    const s = await create({
      event: dispatchEvent({ 'issue-number': '7' }),
      issue: { number: 7, title: 'Does label smoothing improve calibration?', body: RESEARCH_GOAL },
    });
    expect(s.repo).toBe('octo-org/octo-repo'); // the real dispatch payload's repository

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', branch: 'wild-plan/issue-7', tasksPath: '.wild/plans/issue-7/tasks.md' });
    expect(s.fake.violations).toEqual([]);
    const [pr] = s.fake.pulls(s.repo);
    expect(pr).toMatchObject({ number: result.prNumber, title: 'Plan: Does label smoothing improve calibration?' });
    expect(pr!.body).toContain('Refs #7');
    expect(await s.git.remoteLog('wild-plan/issue-7', s.defaultBranch)).toHaveLength(1);
    expect(s.marked(7, STATUS_MARKER)[0]!.body).toContain('### ✅ Plan ready');
    // The goal the agent planned came from the issue fetched through the API.
    expect(await s.git.remoteFile('wild-plan/issue-7', '.wild/plans/issue-7/tasks.md')).toContain(
      'goal "Does label smoothing improve calibration?"',
    );
  });
  it('plans a goal typed into the goal input, on a branch of its own, with no issue to report to', async () => {
    const goal = 'Does mixup help calibration more than label smoothing on CIFAR-10?';
    const s = await create({ event: dispatchEvent({ goal }) });

    const { result } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(result.branch).toMatch(/^wild-plan\/goal-[0-9a-f]{8}$/);
    expect(s.fake.violations).toEqual([]);
    const [pr] = s.fake.pulls(s.repo);
    expect(pr).toMatchObject({ number: result.prNumber, title: `Plan: ${goal}` });
    expect(pr!.pull!.head.ref).toBe(result.branch);
    expect(s.marked(pr!.number, PLAN_MARKER)).toHaveLength(1);
    expect(await s.git.remoteFile(result.branch!, result.tasksPath!)).toContain(`goal "${goal}"`);
  });
});

describe('a /wild-plan comment on the plan PR', () => {
  it('re-plans the issue with the steer text, updating the same branch, PR, plan comment and status comment', async () => {
    const s = await create();
    await s.runInProcess();
    const statusId = s.marked(1, STATUS_MARKER)[0]!.id;
    const planId = s.marked(2, PLAN_MARKER)[0]!.id;
    const firstHead = await s.git.remoteHead(s.planBranch);
    const steer = 'focus on ECE with 15 bins and add a temperature-scaling baseline';
    const event = s.commentEvent(`/wild-plan ${steer}`, 2);
    const commentId = event.payload.comment.id as number;
    s.setEvent(event);
    await s.freshCheckout();
    const requestsBefore = s.fake.requests.length;

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', branch: 'wild-plan/issue-1', prNumber: 2, tasksPath: TASKS });
    expect(s.fake.violations).toEqual([]);
    // 👀 on the comment that asked.
    const reactions = s.fake.comment(commentId)!.reactions;
    expect(reactions.map((r) => [r.content, r.user.login])).toEqual([['eyes', 'github-actions[bot]']]);

    // The steer reached the agent's prompt: the agent wrote it into the plan's notes.
    const tasks = await s.git.remoteFile(s.planBranch, TASKS);
    expect(tasks).toContain(`User context to honour: ${steer}`);
    // A second bot commit on top of the first (the plan changed).
    const commits = await s.git.remoteLog(s.planBranch, s.defaultBranch);
    expect(commits).toHaveLength(2);
    expect(commits[1]).toBe(firstHead);
    expect((await s.git.commit(commits[0]!)).authorEmail).toBe(BOT_AUTHOR.email);

    // Same PR (brought up to date), same plan comment, same status comment.
    expect(s.fake.pulls(s.repo)).toHaveLength(1);
    const later = s.fake.requests.slice(requestsBefore);
    expect(later.filter((r) => r.method === 'POST' && r.route === PULLS_ROUTE)).toEqual([]);
    expect(later.filter((r) => r.method === 'PATCH' && r.route === '/repos/{owner}/{repo}/pulls/{pull_number}').map((r) => r.path)).toEqual(
      [`/repos/${s.repo}/pulls/2`],
    );
    expect(s.marked(2, PLAN_MARKER).map((c) => c.id)).toEqual([planId]);
    expect(later.some((r) => r.method === 'PATCH' && r.route === COMMENT_ROUTE && r.path.endsWith(`/comments/${planId}`))).toBe(true);
    expect(s.marked(1, STATUS_MARKER).map((c) => c.id)).toEqual([statusId]);
    // While planning, the status comment showed the steer; it ends as the result.
    const statusEdits = later
      .filter((r) => r.method === 'PATCH' && r.path.endsWith(`/comments/${statusId}`))
      .map((r) => (r.body as { body: string }).body);
    expect(statusEdits[0]).toContain('via a `/wild-plan` comment');
    expect(statusEdits[0]).toContain(`> ${steer}`);
    expect(s.marked(1, STATUS_MARKER)[0]!.body).toContain('### ✅ Plan ready: [#2]');
    // Nothing new on the PR besides the person's own comment.
    expect(
      s.fake
        .comments(s.repo, 2)
        .map((c) => c.user.login)
        .sort(),
    ).toEqual(['Codertocat', 'github-actions[bot]']);
  });
});

describe('a /wild-plan comment on the issue after a maintainer edited the plan branch', () => {
  it("stacks the new plan on top of the maintainer's commit and keeps it", async () => {
    const s = await create();
    await s.runInProcess();
    const human = await s.git.pushAsHuman({
      branch: s.planBranch,
      files: { 'notes/review.md': 'Baseline needs 5 seeds.\n' },
      message: 'Review notes',
    });
    const event = s.commentEvent('/wild-plan use 5 seeds for every baseline');
    s.setEvent(event);
    await s.freshCheckout();

    const { result, logs } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', prNumber: 2 });
    expect(s.fake.violations).toEqual([]);
    const [ours, theirs] = await s.git.remoteLog(s.planBranch, s.defaultBranch);
    expect(theirs).toBe(human);
    const commit = await s.git.commit(ours!);
    expect(commit.parents).toEqual([human]);
    expect(commit.authorEmail).toBe(BOT_AUTHOR.email);
    expect(commit.files).toEqual([TASKS]);
    expect(await s.git.remoteFile(s.planBranch, 'notes/review.md')).toBe('Baseline needs 5 seeds.\n');
    expect(await s.git.remoteFile(s.planBranch, TASKS)).toContain('User context to honour: use 5 seeds for every baseline');
    expect(logs.some((l) => l.message.startsWith('kept 1 commit(s) by others'))).toBe(true);
    expect(s.fake.comment(event.payload.comment.id)!.reactions.map((r) => r.content)).toEqual(['eyes']);
    expect(s.fake.pulls(s.repo)).toHaveLength(1);
    expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
    expect(s.marked(1, STATUS_MARKER)).toHaveLength(1);
  });
});

describe('the plan PR was merged and the label is added again', () => {
  for (const branchKept of [true, false]) {
    it(`proposes nothing new and says so (plan branch ${branchKept ? 'kept' : 'deleted'} after the merge)`, async () => {
      const s = await create();
      await s.runInProcess();
      // Merge the plan PR: the default branch fast-forwards to the plan commit.
      const planHead = (await s.git.remoteHead(s.planBranch))!;
      await s.git.git(s.git.origin, ['update-ref', `refs/heads/${s.defaultBranch}`, planHead]);
      if (!branchKept) await s.git.git(s.git.origin, ['update-ref', '-d', `refs/heads/${s.planBranch}`]);
      const pr = s.fake.issue(s.repo, 2)!;
      Object.assign(pr, { state: 'closed', closedAt: pr.updatedAt });
      Object.assign(pr.pull!, { merged: true, mergedAt: pr.updatedAt });
      s.setEvent(s.labeledEvent());
      await s.freshCheckout();

      const { result } = await s.runInProcess();

      expect(result).toMatchObject({ status: 'planned', fail: false });
      expect(result.prNumber).toBeUndefined();
      expect(result.branch).toBeUndefined();
      expect(s.fake.violations).toEqual([]);
      expect(s.fake.pulls(s.repo)).toHaveLength(1);
      expect(await s.git.remoteHead(s.defaultBranch)).toBe(planHead);
      const status = s.marked(1, STATUS_MARKER);
      expect(status).toHaveLength(1);
      expect(status[0]!.body).toContain(`\`${s.defaultBranch}\` already holds this exact plan`);
      expect(status[0]!.body).toContain('Comment `/wild-plan <what to change>` here');
    });
  }
});

describe('a labeled pull request from a fork', () => {
  it('gets the plan as a comment and nothing pushed anywhere', async () => {
    const s = await create({ event: pullRequestLabeledEvent('wild-plan', { fork: 'forker' }) });
    const branchesBefore = await originBranches(s);

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', fail: false, prNumber: 2 });
    expect(result.branch).toBeUndefined();
    expect(s.fake.violations).toEqual([]);
    expect(await originBranches(s)).toEqual(branchesBefore);
    expect(s.fake.pulls(s.repo)).toHaveLength(1); // the fork's own
    expect(s.fake.requestsTo('POST', PULLS_ROUTE)).toEqual([]);
    expect(s.fake.requestsTo('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}')).toEqual([]);
    // Writes touch the PR's conversation only.
    for (const write of s.fake.writes()) expect(write.path).toMatch(new RegExp(`^/repos/${s.repo}/issues/(2/comments|comments/\\d+)$`));
    const plan = s.marked(2, PLAN_MARKER);
    expect(plan).toHaveLength(1);
    expect(plan[0]!.body).toContain('comes from a fork');
    expect(plan[0]!.body).toContain('Code Understanding and Refactor Prep');
    expect(s.marked(2, STATUS_MARKER)).toHaveLength(1);
  });
});

describe('a dry run', () => {
  it('plans but writes nothing to GitHub and pushes nothing', async () => {
    const s = await create({ inputs: { 'dry-run': 'true' } });
    const branchesBefore = await originBranches(s);

    const { result, logs } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(s.fake.writes()).toEqual([]);
    expect(s.fake.violations).toEqual([]);
    expect(await originBranches(s)).toEqual(branchesBefore);
    expect(result.prNumber).toBeUndefined();
    expect(logs.some((l) => l.message.startsWith('dry run: would open or update the pull request wild-plan/issue-1'))).toBe(true);
    // The plan itself exists, in the workspace.
    expect(result.planJson && JSON.parse(result.planJson).counts.phases).toBe(5);
  });
});
