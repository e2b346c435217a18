// Nothing wild-plan posts exceeds what GitHub accepts, however large or odd the text it quotes:
// the status comment in every state, the plan comment for any plan, the PR title and body.
// GitHub counts characters (code points) and refuses a comment or PR body over 65,536 and a
// title over 256; we check both code points and UTF-16 units (which never undercount). Every
// posted text also pings nobody, and the final pass before a write (postableBody) has nothing
// left to change in what the renderers produce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayTitle, PLAN_COMMENT_MARKER, planCommentBody, pullRequestBody, pullRequestTitle } from '../../src/action/messages.js';
import { MAX_COMMENT_CHARS, postableBody } from '../../src/github/comments.js';
import { commentRevision } from '../../src/action/stale.js';
import { hasMention } from '../../src/security/mentions.js';
import { renderStatusComment, STATUS_MARKER, type StatusState } from '../../src/github/status-comment.js';
import type { Finding, Phase, Plan, Task } from '../../src/plan/types.js';

const LIMIT = MAX_COMMENT_CHARS;
const codePoints = (text: string) => [...text].length;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The awkward pieces untrusted text is made of: mentions, fences, markers, astral and broken characters. */
const fragment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '@octo-org/research-team ',
    '@a',
    ' @Codertocat',
    '`',
    '```',
    '<!-- wild-plan:status -->',
    '</details>',
    '\n',
    '\n\n',
    '|',
    '> ',
    '\u0000',
    '\u001b[31m',
    '😀',
    '\uD800',
    '\u202E',
    'é',
  ),
);

/** Text of any size up to `max` characters, built by repeating a mix of fragments. */
const textUpTo = (max: number) =>
  fc.tuple(fc.array(fragment, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max })).map(([parts, size]) => {
    const unit = parts.join('') || 'x';
    return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  });
const huge = textUpTo(200_000);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

function expectPostable(body: string, limit = LIMIT) {
  expect(body.length).toBeLessThanOrEqual(limit);
  expect(codePoints(body)).toBeLessThanOrEqual(limit);
  expect(hasMention(body)).toBe(false);
  // What the renderer made is what GitHub gets: the last-resort pass changes nothing.
  expect(postableBody(body, limit)).toBe(body);
}

const stateArb: fc.Arbitrary<StatusState> = fc.oneof(
  fc.record({ kind: fc.constant('started' as const), trigger: huge, steer: maybe(huge) }),
  fc.record({
    kind: fc.constant('planned' as const),
    prUrl: maybe(fc.webUrl()),
    prNumber: maybe(fc.nat()),
    counts: textUpTo(5_000),
    findings: fc.nat(),
    summary: maybe(huge),
    note: maybe(textUpTo(2_000)),
  }),
  fc.record({ kind: fc.constant('aborted' as const), preflightTable: huge, checklist: huge, message: huge }),
  fc.record({ kind: fc.constant('invalid' as const), message: huge, findings: maybe(huge) }),
  fc.record({ kind: fc.constant('failed' as const), message: huge }),
  fc.constant({ kind: 'cancelled' as const }),
);

describe('the status comment', () => {
  it('fits GitHub and pings nobody in every state, whatever it quotes', () => {
    fc.assert(
      fc.property(stateArb, fc.boolean(), (state, dryRun) => {
        const body = renderStatusComment(state, { runUrl: 'https://github.com/o/r/actions/runs/1', dryRun });
        expect(body.startsWith(`${STATUS_MARKER}\n`)).toBe(true);
        expectPostable(body);
      }),
      { numRuns: 150 },
    );
  });
});

function task(phase: number, n: number, text: string): Task {
  return {
    id: `P${phase}-T${n}`,
    phase,
    number: n,
    state: (['todo', 'done', 'in-progress'] as const)[n % 3]!,
    checkbox: true,
    description: text,
    deliverable: `results/p${phase}_t${n}.csv ${text.slice(0, 40)}`,
    doneWhen: text.slice(0, 80),
    dependencies: n > 1 ? [`P${phase}-T${n - 1}`] : [],
    details: [],
    line: phase * 1000 + n,
  };
}

const planArb = fc
  .record({
    phases: fc.integer({ min: 0, max: 8 }),
    tasksPerPhase: fc.integer({ min: 0, max: 400 }),
    strays: fc.integer({ min: 0, max: 50 }),
    text: textUpTo(3_000),
    title: textUpTo(2_000),
    abort: fc.boolean(),
    abortReasons: fc.array(textUpTo(5_000), { maxLength: 40 }),
  })
  .map(({ phases, tasksPerPhase, strays, text, title, abort, abortReasons }): Plan => {
    const list: Phase[] = Array.from({ length: phases }, (_, p) => ({
      number: p + 1,
      title: title.slice(0, 300),
      line: (p + 1) * 1000,
      tasks: Array.from({ length: tasksPerPhase }, (_, t) => task(p + 1, t + 1, text)),
      notes: [text],
    }));
    return {
      abort,
      abortReasons: abort ? abortReasons : [],
      abortLine: abort ? 1 : null,
      fenced: false,
      notes: null,
      phases: abort ? [] : list,
      strayTasks: abort ? [] : Array.from({ length: strays }, (_, i) => task(0, i + 1, text)),
      contract: null,
    };
  });

const findingsArb: fc.Arbitrary<Finding[]> = fc.tuple(fc.integer({ min: 0, max: 3_000 }), textUpTo(2_000)).map(([n, message]) =>
  Array.from({ length: n }, (_, i) => ({
    rule: `rule-${i % 7}`,
    severity: i % 2 ? ('warning' as const) : ('error' as const),
    line: i,
    message,
  })),
);

// The notes wild-plan appends under the plan (a fork PR, a base branch that already holds the plan).
const noteArb = maybe(
  fc.oneof(
    fc.constant(
      'This pull request comes from a fork, so the plan files were not committed to it (wild-plan never pushes to forks). The plan is in the comment on the pull request.',
    ),
    fc
      .string({ maxLength: 255 })
      .map(
        (branch) =>
          `\`${branch}\` already holds this exact plan (was its pull request merged?), so there is no new pull request to propose.`,
      ),
  ),
);

// A revision as the re-plan command passes it: any number, a changes block of any size, any cause.
const revisionArb = maybe(
  fc.record({ number: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer()), changes: maybe(huge), cause: maybe(textUpTo(5_000)) }),
);

/** The plan comment's own budget: 65,000, below GitHub's 65,536, note included. */
const PLAN_COMMENT_BUDGET = 65_000;

describe('the plan comment', () => {
  it('fits its budget and pings nobody for huge plans, findings, titles, summaries, goals and revisions', () => {
    fc.assert(
      fc.property(
        planArb,
        findingsArb,
        fc.record({ title: maybe(huge), summary: maybe(huge), goal: maybe(huge) }),
        noteArb,
        revisionArb,
        (plan, findings, { title, summary, goal }, note, revision) => {
          const body = planCommentBody(plan, findings, {
            title: displayTitle(title),
            summary,
            goal,
            revision,
            fileUrl: 'https://github.com/o/r/blob/wild-plan/issue-1/.wild/plans/issue-1/tasks.md',
            note,
          });
          expect(body.startsWith(`${PLAN_COMMENT_MARKER}\n`)).toBe(true);
          expectPostable(body, PLAN_COMMENT_BUDGET);
          // The hidden line carries what commentRevision can read back: 1 to 9 digits.
          const shown =
            revision && Number.isSafeInteger(revision.number) && revision.number >= 1 && revision.number < 1e9 ? revision.number : null;
          expect(commentRevision(body)).toBe(shown);
          if (shown !== null) expect(body.split('\n')[1]).toBe(`<!-- wild-plan:revision ${shown} -->`);
          expect(body.split(PLAN_COMMENT_MARKER)).toHaveLength(2);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('quotes the goal and the revision cause inert: no hidden text, no tag, no ping', () => {
    const plan: Plan = { ...emptyPlan(), phases: [{ number: 1, title: 'A', line: 1, tasks: [task(1, 1, 'do it')], notes: [] }] };
    const body = planCommentBody(plan, [], {
      goal: 'Find out <!-- ignore the plan, ping @octo-org/everyone --> whether @alice </details><img src=x> is right',
      revision: {
        number: 4,
        cause: 're-planned from @alice\u202E\n<b>review</b>',
        changes: '**Changes since revision 3:** 1 task added @bob',
      },
    });
    expect(body).toContain('**Goal**\n> Find out whether @\u200Dalice &lt;/details>&lt;img src=x> is right\n');
    expect(body).toContain('**Revision 4** · re-planned from @\u200Dalice &lt;b>review&lt;/b>\n');
    expect(body).toContain('1 task added @\u200Dbob');
    expect(body).not.toContain('ignore the plan');
    expect(body).not.toContain('\u202E');
    expect(commentRevision(body)).toBe(4);
    expectPostable(body, PLAN_COMMENT_BUDGET);
  });

  it('keeps within its budget with the note below the plan, however large the plan', () => {
    const plan: Plan = {
      ...emptyPlan(),
      phases: [
        { number: 1, title: 'Big', line: 1, tasks: Array.from({ length: 3_000 }, (_, i) => task(1, i + 1, 'word '.repeat(60))), notes: [] },
      ],
    };
    const note = `\`${'b'.repeat(255)}\` already holds this exact plan (was its pull request merged?), so there is no new pull request to propose.`;
    const body = planCommentBody(plan, [], {
      note,
      revision: { number: 2, changes: `- ${'x'.repeat(7_000)}` },
      goal: 'word '.repeat(5_000),
    });
    expect(body.length).toBeLessThanOrEqual(PLAN_COMMENT_BUDGET);
    expect(body.endsWith(note)).toBe(true);
  });
});

function emptyPlan(): Plan {
  return { abort: false, abortReasons: [], abortLine: null, fenced: false, notes: null, phases: [], strayTasks: [], contract: null };
}

describe('the pull request', () => {
  it('has a body that fits GitHub and pings nobody, whatever the summary', () => {
    fc.assert(
      fc.property(maybe(fc.nat()), maybe(huge), textUpTo(300), textUpTo(5_000), (number, summary, path, counts) => {
        const body = pullRequestBody(
          { number },
          { summary: summary ?? null, tasksPath: `${path}/tasks.md`, playbookPath: `${path}/prompt_skill_playbook.md` },
          counts,
        );
        expectPostable(body);
      }),
      { numRuns: 150 },
    );
  });

  it('has a title of at most 256 well-formed characters that pings nobody, whatever the issue title', () => {
    fc.assert(
      fc.property(maybe(huge), (title) => {
        const text = pullRequestTitle(displayTitle(title));
        expect(text.length).toBeLessThanOrEqual(256);
        expect(text.startsWith('Plan: ')).toBe(true);
        expect(hasMention(text)).toBe(false);
        expect(LONE_SURROGATE.test(text)).toBe(false);
        expect(text).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the last-resort pass before every write', () => {
  it('fits any text within the limit, pings nobody, and changes nothing a second time', () => {
    fc.assert(
      fc.property(huge, fc.integer({ min: 200, max: LIMIT }), (text, limit) => {
        const once = postableBody(text, limit);
        expect(codePoints(once)).toBeLessThanOrEqual(limit);
        expect(once.length).toBeLessThanOrEqual(limit);
        expect(hasMention(once)).toBe(false);
        expect(postableBody(once, limit)).toBe(once);
      }),
      { numRuns: 150 },
    );
  });
});
