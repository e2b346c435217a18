// The review loop's events, from GitHub's real payloads, to the command each asks for; and the
// words wild-plan builds from them (the steer from a review, the stale banner).
import { describe, expect, it } from 'vitest';
import { routeEvent } from '../../src/action/router.js';
import { lineSteer, reviewSteer } from '../../src/action/review-steer.js';
import { commentRevision, staleBanner, withBanner } from '../../src/action/stale.js';
import { commentedLine } from '../../src/github/reviews.js';
import { quickSkip } from '../../src/quick-skip.js';
import { reviewCommentCreated, reviewSubmitted, webhookExample } from '../support/webhook-examples.js';

const settings = { triggerLabel: 'wild-plan', replanOnEdit: false, runOnMerge: false };
const route = (eventName: string, payload: unknown, replanOnEdit = false) =>
  routeEvent({ eventName, payload }, { ...settings, replanOnEdit });

function edited(changes: Record<string, { from: string }>, login = 'Codertocat') {
  const payload = webhookExample('issues', 'edited');
  payload.changes = changes;
  payload.sender = { ...payload.sender, login, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
  return payload;
}

describe('routeEvent: the review loop', () => {
  it('a review requesting changes → replan-from-review, with the review, its PR and head', () => {
    const payload = reviewSubmitted({ state: 'changes_requested', body: 'Add seeds.' });
    const r = route('pull_request_review', payload);
    expect(r.command).toBe('replan-from-review');
    expect(r).toMatchObject({
      trigger: {
        kind: 'review',
        state: 'changes_requested',
        body: 'Add seeds.',
        pullNumber: payload.pull_request.number,
        reviewId: payload.review.id,
        head: { ref: payload.pull_request.head.ref, sha: payload.pull_request.head.sha },
      },
    });
  });

  it('an approving review → approve (the server record), a commenting one → skip, saying only changes requested re-plan', () => {
    expect(route('pull_request_review', reviewSubmitted({ state: 'approved' }))).toMatchObject({
      command: 'approve',
      trigger: { kind: 'review' },
    });
    expect(route('pull_request_review', reviewSubmitted({ state: 'commented' }))).toMatchObject({
      command: 'skip',
      reason: expect.stringMatching(/re-plans nothing/),
    });
  });

  it('/wild-plan run, run --restart, pause, resume, stop, status and steer → the loop commands; `run more seeds` re-plans', () => {
    const comment = (body: string) => {
      const payload = webhookExample('issue_comment', 'created');
      payload.comment.body = body;
      return route('issue_comment', payload);
    };
    expect(comment('/wild-plan run')).toMatchObject({ command: 'run', trigger: { command: { verb: 'run', restart: false } } });
    expect(comment('/wild-plan run --restart')).toMatchObject({ command: 'run', trigger: { command: { verb: 'run', restart: true } } });
    for (const verb of ['pause', 'resume', 'stop'])
      expect(comment(`/wild-plan ${verb}`)).toMatchObject({ command: 'control', trigger: { command: { verb } } });
    expect(comment('/wild-plan status')).toMatchObject({ command: 'status' });
    expect(comment('/wild-plan steer use bf16')).toMatchObject({
      command: 'control',
      trigger: { command: { verb: 'steer', text: 'use bf16' } },
    });
    expect(comment('/wild-plan run more seeds')).toMatchObject({ command: 'plan', trigger: { steer: 'run more seeds' } });
    expect(comment('/wild-plan steer')).toMatchObject({ command: 'plan', trigger: { steer: 'steer' } });
  });

  it('a merged plan PR starts the loop only with run-on-merge; a schedule syncs', () => {
    const merged = webhookExample('pull_request', 'closed');
    merged.pull_request.merged = true;
    expect(routeEvent({ eventName: 'pull_request', payload: merged }, { ...settings, runOnMerge: false })).toMatchObject({
      command: 'skip',
    });
    expect(routeEvent({ eventName: 'pull_request', payload: merged }, { ...settings, runOnMerge: true })).toMatchObject({
      command: 'run',
      trigger: { kind: 'merged' },
    });
    expect(routeEvent({ eventName: 'schedule', payload: { schedule: '*/30 * * * *' } }, settings)).toMatchObject({
      command: 'status',
      trigger: { kind: 'schedule' },
    });
  });

  it('a review comment starting /wild-plan → replan-from-review with its direction, path, line and hunk', () => {
    const payload = reviewCommentCreated({ body: '/wild-plan split this task', line: 12, path: 'tasks.md' });
    expect(route('pull_request_review_comment', payload)).toMatchObject({
      command: 'replan-from-review',
      trigger: { kind: 'line-command', steer: 'split this task', path: 'tasks.md', line: 12, diffHunk: payload.comment.diff_hunk },
    });
  });

  it('an ordinary review comment is skipped before zod or the pipeline load (quick skip)', () => {
    const payload = reviewCommentCreated({ body: 'nit: typo' });
    expect(quickSkip('pull_request_review_comment', payload, 'wild-plan')).toMatch(/does not start with/);
    expect(route('pull_request_review_comment', payload).command).toBe('skip');
  });

  it('an issue edited by a person → mark-stale with what the title and body were; with replan-on-edit → plan', () => {
    const payload = edited({ title: { from: 'Old title' } });
    expect(route('issues', payload)).toMatchObject({ command: 'mark-stale', trigger: { kind: 'edited', before: { title: 'Old title' } } });
    expect(route('issues', payload, true)).toMatchObject({ command: 'plan', trigger: { kind: 'plan', source: 'edit', steer: '' } });
  });

  it("a bot's edit, and an edit of neither title nor body, are skipped", () => {
    expect(route('issues', edited({ body: { from: 'x' } }, 'renovate[bot]'))).toMatchObject({
      command: 'skip',
      reason: expect.stringMatching(/bot/),
    });
    expect(route('issues', edited({}))).toMatchObject({ command: 'skip', reason: expect.stringMatching(/neither the title nor the body/) });
  });
});

describe('the steer from a review', () => {
  const hunk = '@@ -0,0 +1,14 @@\n+# Tasks\n+## Phase 2 - Baselines\n+- [ ] [P2-T1] Baseline runs | deliverable: a | done-when: b';

  it('quotes the review and each inline comment with its file, line and the text of that line', () => {
    const steer = reviewSteer({
      reviewer: 'alice',
      body: 'Three seeds, please.',
      comments: [{ path: 'plan/tasks.md', line: 3, body: 'Stronger baseline.', diffHunk: hunk, inReplyTo: null }],
    });
    expect(steer).toContain('@alice reviewed the plan and requested changes.');
    expect(steer).toContain('> Three seeds, please.');
    expect(steer).toContain('On `plan/tasks.md`, line 3:\nthe line reads:\n> - [ ] [P2-T1] Baseline runs | deliverable: a | done-when: b');
    expect(steer).toContain('the comment:\n> Stronger baseline.');
  });

  it('says so when a comment is on a line that has changed since (no line), and reads no text for it', () => {
    const steer = reviewSteer({
      reviewer: 'bob',
      body: '',
      comments: [{ path: 't.md', line: null, body: 'Outdated remark.', diffHunk: hunk, inReplyTo: null }],
    });
    expect(steer).toContain('a line that has since changed');
    expect(steer).not.toContain('the line reads');
  });

  it('a line command carries its direction and the line', () => {
    expect(lineSteer({ direction: 'split it', path: 't.md', line: 3, diffHunk: hunk })).toBe(
      'split it\n\nOn `t.md`, line 3:\nthe line reads:\n> - [ ] [P2-T1] Baseline runs | deliverable: a | done-when: b',
    );
  });

  it('reads the commented line from the end of the hunk, whatever its sign', () => {
    expect(commentedLine(hunk)).toBe('- [ ] [P2-T1] Baseline runs | deliverable: a | done-when: b');
    expect(commentedLine('@@ -1,2 +1,2 @@\n-old line\n')).toBe('old line');
    expect(commentedLine('@@ -1 +1 @@')).toBeNull();
    expect(commentedLine(null)).toBeNull();
  });
});

describe('the stale banner', () => {
  const comment = '<!-- wild-plan:plan-comment -->\n<!-- wild-plan:revision 3 -->\n## Research plan\n\nbody';

  it('names the revision, shows what changed, says how to re-plan, and pings nobody', () => {
    const banner = staleBanner(
      { editor: 'alice', title: 'New @team title', body: null, before: { title: 'Old title' } },
      commentRevision(comment),
    );
    expect(banner).toContain('The issue changed after revision 3 was planned');
    expect(banner).toContain('comment `/wild-plan` on this pull request');
    expect(banner).not.toMatch(/(^|[^\u2060])@team/);
  });

  it('goes under the marker line, and a second one replaces the first', () => {
    const once = withBanner(comment, staleBanner({ editor: 'a', title: 'T', body: 'one', before: { body: 'zero' } }, 3));
    expect(once.startsWith('<!-- wild-plan:plan-comment -->\n<!-- wild-plan:stale -->')).toBe(true);
    const twice = withBanner(once, staleBanner({ editor: 'a', title: 'T', body: 'two', before: { body: 'one' } }, 3));
    expect(twice.match(/wild-plan:stale -->/g)).toHaveLength(1);
    expect(twice).toContain('two');
    expect(twice.endsWith('## Research plan\n\nbody')).toBe(true);
  });
});
