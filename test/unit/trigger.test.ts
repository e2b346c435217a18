import { describe, expect, it } from 'vitest';
import { decideTrigger, parseCommand } from '../../src/trigger.js';
import { issueComment, labeledIssue, webhookExample } from '../support/webhook-examples.js';

const LABEL = 'wild-plan';

describe('decideTrigger', () => {
  it('plans an issue labeled with the trigger label', () => {
    const payload = labeledIssue(LABEL);
    const t = decideTrigger('issues', payload, LABEL);
    expect(t).toMatchObject({ kind: 'plan', source: 'label', number: payload.issue.number, isPullRequest: false, steer: '' });
    if (t.kind === 'plan') expect(t.title).toBe(payload.issue.title);
  });

  it('skips another label, naming both labels', () => {
    const t = decideTrigger('issues', webhookExample('issues', 'labeled'), LABEL);
    expect(t).toEqual({ kind: 'skip', reason: 'the label `bug` is not the trigger label `wild-plan`' });
  });

  it('skips a label that was removed from the issue before the run', () => {
    const payload = labeledIssue(LABEL);
    payload.issue.labels = [];
    expect(decideTrigger('issues', payload, LABEL)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/removed/) });
  });

  it('plans a new issue opened with the label, and skips one without', () => {
    const payload = webhookExample('issues', 'opened');
    expect(decideTrigger('issues', payload, LABEL).kind).toBe('skip');
    payload.issue.labels = [{ name: LABEL }];
    expect(decideTrigger('issues', payload, LABEL)).toMatchObject({ kind: 'plan', number: payload.issue.number });
  });

  it('takes the steer text from a /wild-plan comment and remembers the comment for the reaction', () => {
    const payload = issueComment('/wild-plan focus on the ablation\nand use 5 seeds');
    const t = decideTrigger('issue_comment', payload, LABEL);
    expect(t).toMatchObject({
      kind: 'plan',
      source: 'comment',
      steer: 'focus on the ablation\nand use 5 seeds',
      commentId: payload.comment.id,
    });
  });

  it('ignores ordinary comments, edits and its own comments', () => {
    expect(decideTrigger('issue_comment', issueComment('looks good'), LABEL).kind).toBe('skip');
    expect(decideTrigger('issue_comment', issueComment('/wild-planner'), LABEL).kind).toBe('skip');
    const edited = webhookExample('issue_comment', 'edited');
    edited.comment.body = '/wild-plan';
    expect(decideTrigger('issue_comment', edited, LABEL).kind).toBe('skip');
    const own = issueComment('/wild-plan\n<!-- wild-plan:status -->');
    expect(decideTrigger('issue_comment', own, LABEL)).toEqual({ kind: 'skip', reason: "the comment is wild-plan's own" });
  });

  it('never answers bots, so it cannot loop', () => {
    const byBot = issueComment('/wild-plan again');
    byBot.sender = { ...byBot.sender, login: 'github-actions[bot]', type: 'Bot' };
    expect(decideTrigger('issue_comment', byBot, LABEL)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/bot/) });
    const botLogin = labeledIssue(LABEL);
    botLogin.sender = { ...botLogin.sender, login: 'renovate[bot]', type: 'User' };
    expect(decideTrigger('issues', botLogin, LABEL).kind).toBe('skip');
  });

  it('plans a dispatch by issue number, also when given as "#12" or a number', () => {
    const payload = webhookExample('workflow_dispatch');
    payload.inputs = { 'issue-number': '#12', steer: 'be brief' };
    expect(decideTrigger('workflow_dispatch', payload, LABEL)).toMatchObject({
      kind: 'plan',
      source: 'dispatch',
      number: 12,
      steer: 'be brief',
    });
    payload.inputs = { issue_number: 7 };
    expect(decideTrigger('workflow_dispatch', payload, LABEL)).toMatchObject({ number: 7 });
  });

  it('plans a dispatch with a goal only, and explains an empty dispatch', () => {
    const payload = webhookExample('workflow_dispatch');
    payload.inputs = { goal: 'Tune the learning rate' };
    expect(decideTrigger('workflow_dispatch', payload, LABEL)).toMatchObject({ kind: 'plan', body: 'Tune the learning rate' });
    payload.inputs = {};
    expect(decideTrigger('workflow_dispatch', payload, LABEL)).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/issue-number.*goal/),
    });
    payload.inputs = { 'issue-number': 'twelve' };
    expect(decideTrigger('workflow_dispatch', payload, LABEL)).toMatchObject({ kind: 'refuse', reason: expect.stringMatching(/"twelve"/) });
  });

  it.each([
    ['7', 7],
    ['#7', 7],
    [' 7 ', 7],
    ['\t#42\n', 42],
    ['2147483647', 2 ** 31 - 1],
  ])('reads the dispatch issue-number %j as #%d', (input, number) => {
    const payload = webhookExample('workflow_dispatch');
    payload.inputs = { 'issue-number': input };
    expect(decideTrigger('workflow_dispatch', payload, LABEL)).toMatchObject({ kind: 'plan', source: 'dispatch', number });
  });

  // Number() would plan #7 for "0x7" and #10 for "1e1": only plain decimal digits name an issue.
  it.each([
    '0x7',
    '1e1',
    '07',
    '-1',
    '0',
    '1.0',
    '７',
    '7abc',
    '+7',
    '# 7',
    '##7',
    '7 8',
    '0b111',
    'Infinity',
    '2147483648',
    '99999999999999999999',
  ])('refuses the dispatch issue-number %j, quoting it and saying what is accepted', (input) => {
    const payload = webhookExample('workflow_dispatch');
    payload.inputs = { 'issue-number': input, goal: 'a goal does not make a bad number good' };
    const t = decideTrigger('workflow_dispatch', payload, LABEL);
    expect(t.kind).toBe('refuse');
    const reason = t.kind === 'refuse' ? t.reason : '';
    expect(reason).toContain(`input \`issue-number\` ${JSON.stringify(input.trim())} is not an issue number`);
    expect(reason).toContain('plain digits, like 12 or #12 (from 1 to 2147483647)');
    expect(reason).not.toContain('\n');
  });

  it('refuses a dispatch issue-number sent as a number that is not a whole positive one', () => {
    const payload = webhookExample('workflow_dispatch');
    for (const value of [0, -3, 1.5, 2 ** 31]) {
      payload.inputs = { issue_number: value };
      expect(decideTrigger('workflow_dispatch', payload, LABEL).kind).toBe('refuse');
    }
  });

  it('plans a labeled pull request and tells a fork from a branch of this repository', () => {
    const payload = webhookExample('pull_request', 'labeled');
    payload.label = { ...payload.label, name: LABEL };
    const same = decideTrigger('pull_request', payload, LABEL);
    expect(same).toMatchObject({
      kind: 'plan',
      source: 'pull_request',
      isPullRequest: true,
      head: { ref: payload.pull_request.head.ref, fork: false },
    });
    payload.pull_request.head.repo = { ...payload.pull_request.base.repo, full_name: 'someone/fork' };
    expect(decideTrigger('pull_request', payload, LABEL)).toMatchObject({ head: { fork: true } });
  });

  it('skips unknown events and actions, and payloads missing fields, with the reason', () => {
    expect(decideTrigger('push', {}, LABEL)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/`push` event/) });
    // GitHub's first `issues.edited` example changed nothing wild-plan reads (its `changes` is empty).
    expect(decideTrigger('issues', webhookExample('issues', 'edited'), LABEL)).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/neither the title nor the body/),
    });
    expect(decideTrigger('issues', webhookExample('issues', 'locked'), LABEL)).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/issues.locked/),
    });
    const broken = labeledIssue(LABEL);
    delete broken.issue.number;
    expect(decideTrigger('issues', broken, LABEL)).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/issue.number/) });
    expect(decideTrigger('issues', null, LABEL).kind).toBe('skip');
  });

  it('says a field is missing only when it is: one that is there but wrong is named as such', () => {
    const missing = labeledIssue(LABEL);
    delete missing.issue.number;
    expect(decideTrigger('issues', missing, LABEL)).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('payload is missing `issue.number`'),
    });
    for (const [value, what] of [
      ['one', 'is not a number (got "one"'],
      [null, 'is null'],
      [-3, 'is out of range (got -3'],
      [1.5, 'is not a whole number (got 1.5'],
    ] as const) {
      const payload = labeledIssue(LABEL);
      payload.issue.number = value;
      const t = decideTrigger('issues', payload, LABEL);
      expect(t).toMatchObject({ kind: 'skip', reason: expect.stringContaining(`payload's \`issue.number\` ${what}`) });
      expect(t.kind === 'skip' && t.reason).not.toContain('missing');
    }
    const noSender = labeledIssue(LABEL);
    noSender.sender = 'Codertocat';
    expect(decideTrigger('issues', noSender, LABEL)).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining("payload's `sender` is not an object"),
    });
  });

  it('accepts an issue number sent as a string', () => {
    const payload = labeledIssue(LABEL);
    payload.issue.number = String(payload.issue.number);
    expect(decideTrigger('issues', payload, LABEL)).toMatchObject({ kind: 'plan', number: Number(payload.issue.number) });
  });

  it('reads a payload issue number sent as a string only when it is plain decimal digits', () => {
    for (const [value, what] of [
      ['0x7', 'is not a number (got "0x7"'],
      ['1e1', 'is not a number (got "1e1"'],
      ['07', 'is not a number (got "07"'],
      [2 ** 31, 'is out of range'],
    ] as const) {
      const payload = labeledIssue(LABEL);
      payload.issue.number = value;
      expect(decideTrigger('issues', payload, LABEL)).toMatchObject({
        kind: 'skip',
        reason: expect.stringContaining(`payload's \`issue.number\` ${what}`),
      });
    }
  });
});

describe('parseCommand', () => {
  it.each([
    ['/wild-plan', ''],
    ['  /wild-plan   use 3 seeds  ', 'use 3 seeds'],
    ['/wild-plan\nmulti\nline', 'multi\nline'],
    ['/wild-planning', null],
    ['please /wild-plan', null],
  ])('%j → %j', (body, steer) => {
    expect(parseCommand(body)).toBe(steer);
  });
});
