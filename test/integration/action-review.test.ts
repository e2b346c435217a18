// The review loop through the action, with GitHub's real webhook payloads: a review requesting
// changes re-plans with every inline comment and the line it is on; a `/wild-plan` comment on a
// line re-plans with that line; approving or commenting re-plans nothing; a reader's review is
// ignored; an edited issue marks its plan stale without running the agent.
import { describe, expect, it } from 'vitest';
import { PLAN_MARKER, type ActionScenario } from '../support/action-harness.js';
import { scenariosPerTest } from '../support/scenario-per-test.js';

const TASKS = '.wild/plans/issue-1/tasks.md';
const create = scenariosPerTest();

/** A scenario whose issue has been planned once: the plan PR is #2, revision 1. */
async function planned(inputs: Record<string, string> = {}): Promise<ActionScenario> {
  const s = await create({ inputs });
  const { result } = await s.runInProcess();
  expect(result).toMatchObject({ status: 'planned', prNumber: 2, revision: 1 });
  return s;
}

async function lineOf(s: ActionScenario, pattern: RegExp): Promise<{ line: number; text: string }> {
  const lines = ((await s.git.remoteFile(s.planBranch, TASKS)) ?? '').split('\n');
  const index = lines.findIndex((l) => pattern.test(l));
  expect(index).toBeGreaterThanOrEqual(0);
  return { line: index + 1, text: lines[index]! };
}

async function commitMessages(s: ActionScenario): Promise<string[]> {
  const shas = await s.git.remoteLog(s.planBranch, s.defaultBranch);
  return Promise.all(shas.map(async (sha) => (await s.git.git(s.git.origin, ['log', '-1', '--format=%B', sha])).trim()));
}

describe('a review requesting changes on the plan PR', () => {
  it('re-plans with the review and each inline comment with its line: one new commit, one sticky comment, a reply in the thread', async () => {
    const s = await planned();
    const baseline = await lineOf(s, /\[P2-T1\]/);
    const reflection = await lineOf(s, /\[P5-T1\]/);
    s.setEvent(
      await s.reviewEvent(2, {
        state: 'changes_requested',
        body: 'Use three seeds everywhere.',
        comments: [
          { path: TASKS, line: baseline.line, body: 'Add a stronger baseline here.' },
          { path: TASKS, line: reflection.line, body: 'Reflect after the ablation too.' },
        ],
      }),
    );

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', prNumber: 2, revision: 2 });
    expect(s.fake.violations).toEqual([]);
    const messages = await commitMessages(s);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/\nWild-Plan-Revision: 2$/);
    expect(messages[1]).toMatch(/\nWild-Plan-Revision: 1$/);
    // The steer the agent got: the review, each comment, and the text of the line it is on.
    const tasks = (await s.git.remoteFile(s.planBranch, TASKS)) ?? '';
    expect(tasks).toContain('Use three seeds everywhere.');
    expect(tasks).toContain(`On \`${TASKS}\`, line ${baseline.line}: the line reads: > ${baseline.text.replace(/\s+/g, ' ')}`);
    expect(tasks).toContain('Add a stronger baseline here.');
    expect(tasks).toContain(`line ${reflection.line}:`);
    expect(tasks).toContain('Reflect after the ablation too.');
    // Same PR, one sticky plan comment: revision 2, why, and what changed since revision 1 (the notes carry the steer).
    expect(s.fake.pulls(s.repo)).toHaveLength(1);
    expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
    const comment = s.marked(2, PLAN_MARKER)[0]!.body;
    expect(comment).toContain('<!-- wild-plan:revision 2 -->');
    expect(comment).toMatch(/\*\*Revision 2\*\* · re-planned from @\u200d?Codertocat's review/);
    expect(comment).toContain('Changes since revision 1:');
    // The review's first thread gets one reply naming the revision.
    const replies = s.fake.reviewComments(s.repo, 2).filter((c) => c.inReplyToId !== null);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('Re-planned with this review as revision 2');
  });

  it('answers once when the same review is handled again (a re-run of the job)', async () => {
    const s = await planned();
    const { line } = await lineOf(s, /\[P2-T1\]/);
    s.setEvent(
      await s.reviewEvent(2, { state: 'changes_requested', body: 'More seeds.', comments: [{ path: TASKS, line, body: 'Here.' }] }),
    );
    await s.runInProcess();
    const { result } = await s.runInProcess();

    expect(result.status).toBe('planned');
    expect(s.fake.reviewComments(s.repo, 2).filter((c) => c.inReplyToId !== null)).toHaveLength(1);
    expect(s.marked(2, PLAN_MARKER)).toHaveLength(1);
  });
});

describe('reviews that re-plan nothing', () => {
  it('an approving review re-plans nothing: no commit, no agent (it approves the plan record on the server)', async () => {
    const s = await planned();
    s.setEvent(await s.reviewEvent(2, { state: 'approved', body: 'Ship it.' }));
    const preflights = s.wild.requests.filter((r) => r.path === '/docs').length;

    const { result } = await s.runInProcess();

    expect(result.status).toBe('approved');
    expect(await commitMessages(s)).toHaveLength(1);
    expect(s.wild.requests.filter((r) => r.path === '/docs')).toHaveLength(preflights);
  });

  it.each(['commented'] as const)('a %s review: skipped with zero writes, nothing asked of the research server', async (state) => {
    const s = await planned();
    s.setEvent(await s.reviewEvent(2, { state, body: 'Looks good.' }));
    const writesBefore = s.fake.writes().length;
    const serverBefore = s.wild.requests.length;

    const { result } = await s.runInProcess();

    expect(result.status).toBe('skipped');
    expect(result.message).toContain(`a review that is ${state.replace('_', ' ')} re-plans nothing`);
    expect(s.fake.writes()).toHaveLength(writesBefore);
    expect(s.wild.requests).toHaveLength(serverBefore);
  });

  it("a reader's review requesting changes: skipped after the permission check, zero writes", async () => {
    const s = await planned();
    s.fake.setPermission(s.repo, 'octo-reader', 'read');
    s.setEvent(await s.reviewEvent(2, { state: 'changes_requested', body: 'Redo it all.', user: 'octo-reader' }));
    const writesBefore = s.fake.writes().length;

    const { result } = await s.runInProcess();

    expect(result.status).toBe('skipped');
    expect(s.fake.writes()).toHaveLength(writesBefore);
    expect(await commitMessages(s)).toHaveLength(1);
  });
});

describe('a /wild-plan comment on a line of the plan', () => {
  it("re-plans with that direction and the commented line's text", async () => {
    const s = await planned();
    const target = await lineOf(s, /\[P3-T1\]/);
    s.setEvent(await s.reviewCommentEvent(2, { path: TASKS, line: target.line, body: '/wild-plan split this into two runs' }));

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', revision: 2 });
    const tasks = (await s.git.remoteFile(s.planBranch, TASKS)) ?? '';
    expect(tasks).toContain('split this into two runs');
    expect(tasks).toContain(target.text.replace(/\s+/g, ' ').slice(0, 60));
    const replies = s.fake.reviewComments(s.repo, 2).filter((c) => c.inReplyToId !== null);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('revision 2');
  });

  it('an ordinary review comment: skipped without a single API call', async () => {
    const s = await planned();
    const { line } = await lineOf(s, /\[P3-T1\]/);
    s.setEvent(await s.reviewCommentEvent(2, { path: TASKS, line, body: 'nit: typo' }));
    const requestsBefore = s.fake.requests.length;

    const { result } = await s.runInProcess();

    expect(result.status).toBe('skipped');
    expect(s.fake.requests).toHaveLength(requestsBefore);
  });
});

describe('an issue edited after planning', () => {
  it('marks the plan stale: a banner on the sticky comment with what changed, no agent run, no commit', async () => {
    const s = await planned();
    const serverBefore = s.wild.requests.length;
    s.setEvent(s.editedEvent({ title: 'Label smoothing and mixup on CIFAR-10' }));

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'marked-stale', prNumber: 2 });
    expect(s.wild.requests).toHaveLength(serverBefore);
    expect(await commitMessages(s)).toHaveLength(1);
    const comment = s.marked(2, PLAN_MARKER);
    expect(comment).toHaveLength(1);
    expect(comment[0]!.body).toContain('The issue changed after revision 1 was planned');
    expect(comment[0]!.body).toContain('mixup');
    expect(comment[0]!.body).toContain('comment `/wild-plan` on this pull request');

    // A second edit replaces the banner instead of stacking another.
    s.setEvent(s.editedEvent({ body: 'Only mixup now.' }));
    await s.runInProcess();
    const again = s.marked(2, PLAN_MARKER)[0]!.body;
    expect(again.match(/The issue changed after/g)).toHaveLength(1);
    expect(again).toContain('Only mixup now.');
  });

  it("a bot's edit: skipped without a single API call", async () => {
    const s = await planned();
    s.setEvent(s.editedEvent({ body: 'rewritten by automation' }, 'renovate[bot]'));
    const requestsBefore = s.fake.requests.length;

    const { result } = await s.runInProcess();

    expect(result.status).toBe('skipped');
    expect(s.fake.requests).toHaveLength(requestsBefore);
  });

  it('with replan-on-edit, re-plans from the edited issue as a new revision', async () => {
    const s = await planned({ 'replan-on-edit': 'true' });
    s.setEvent(s.editedEvent({ title: 'Compare label smoothing with mixup on CIFAR-10' }));

    const { result } = await s.runInProcess();

    expect(result).toMatchObject({ status: 'planned', revision: 2 });
    expect(await commitMessages(s)).toHaveLength(2);
  });
});
