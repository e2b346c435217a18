import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePlanMarkdown } from '../../bench/plan-size.js';
import { checkPlan } from '../../src/plan/check.js';
import { compareTaskIds, renderPlanMarkdown } from '../../src/plan/markdown.js';
import { parsePlan } from '../../src/plan/parse.js';
import { presentJobSummary, presentPlanComment } from '../../src/plan/present.js';
import type {
  AnalyticsContract,
  ContractItem,
  ContractKey,
  Finding,
  NoteItem,
  Phase,
  Plan,
  PlanningNoteKind,
  Task,
} from '../../src/plan/types.js';

// Text that could appear in a real plan: paths, code spans (some with pipes), bare pipes,
// quotes, brackets, angle brackets, unicode, bare task ids (not dependencies without a keyword).
const START = fc.constantFrom('Train', 'Evaluate', 'Map', 'Write', 'Compare', 'Résumé', 'Δ-accuracy', '中文', 'ECE');
const TOKEN = fc.constantFrom(
  'the',
  'baseline',
  'ResNet-18',
  'on',
  'CIFAR-10-C',
  '0.05',
  'seeds',
  'sweep',
  '/runs',
  'with',
  'P1-T1',
  'vs.',
  '95%',
  '"quoted"',
  "it's",
  '#3',
  '*',
  '<',
  '>',
  '&',
  '[note]',
  '|',
  '`exp/x.py`',
  '`a | b`',
  '{x}',
  '~',
  '(lr=1e-3)',
  'naïve',
  ':',
);
const text = (max: number): fc.Arbitrary<string> =>
  fc.tuple(START, fc.array(TOKEN, { maxLength: max })).map(([first, rest]) => [first, ...rest].join(' '));
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null });
const DEP_POOL = ['P1-T1', 'P1-T2', 'P2-T1', 'P3-T4', 'P12-T3'];

function taskArb(phase: number, number: number): fc.Arbitrary<Task> {
  return fc
    .record({
      checkbox: fc.boolean(),
      state: fc.constantFrom('todo', 'done', 'in-progress') as fc.Arbitrary<Task['state']>,
      description: fc.oneof(text(12), fc.constant('')),
      deliverable: maybe(fc.oneof(text(3), fc.constant(''))),
      doneWhen: maybe(fc.oneof(text(8), fc.constant(''))),
      dependencies: fc.uniqueArray(fc.constantFrom(...DEP_POOL), { maxLength: 3 }),
      details: fc.array(text(6), { maxLength: 2 }),
    })
    .map((t) => ({
      ...t,
      id: `P${phase}-T${number}`,
      phase,
      number,
      state: t.checkbox ? t.state : 'todo',
      dependencies: [...t.dependencies].sort(compareTaskIds),
      line: 0,
    }));
}

const NOTE_LABELS: Record<PlanningNoteKind, string[]> = {
  'codebase-findings': ['Key codebase findings', 'Codebase findings'],
  'risks-and-assumptions': ['Key risks and assumptions', 'Risks'],
  'experiment-layout': ['Experiment root and logging layout decision', 'Logging layout'],
};
const CONTRACT_LABELS: Record<ContractKey, string> = {
  primaryMetrics: 'Primary metrics',
  secondaryDiagnostics: 'Secondary diagnostics',
  statisticalChecks: 'Statistical checks',
  requiredArtifacts: 'Required artifacts',
};
// Words that name no note kind and no contract item.
const NEUTRAL = fc
  .array(fc.constantFrom('Hydra', 'configs', 'are', 'in', 'conf/', 'GPUs', 'A100'), { minLength: 1, maxLength: 5 })
  .map((w) => w.join(' '));
const labeled = (label: string): fc.Arbitrary<string> => fc.oneof(text(6), fc.constant('')).map((v) => `${label}:${v ? ` ${v}` : ''}`);

const noteArb: fc.Arbitrary<NoteItem> = fc
  .oneof(
    ...(Object.keys(NOTE_LABELS) as PlanningNoteKind[]).map((kind) =>
      fc
        .constantFrom(...NOTE_LABELS[kind])
        .chain(labeled)
        .map((t) => ({ text: t, kind })),
    ),
    NEUTRAL.map((t) => ({ text: t, kind: null })),
  )
  .chain((n) => fc.array(text(4), { maxLength: 2 }).map((details) => ({ ...n, details, line: 0 })));

const contractItemArb: fc.Arbitrary<ContractItem> = fc
  .oneof(
    ...(Object.keys(CONTRACT_LABELS) as ContractKey[]).map((key) => labeled(CONTRACT_LABELS[key]).map((t) => ({ text: t, key }))),
    NEUTRAL.map((t) => ({ text: t, key: null })),
  )
  .chain((c) => fc.array(text(4), { maxLength: 2 }).map((details) => ({ ...c, details, line: 0 })));

function contractOf(items: ContractItem[]): AnalyticsContract {
  const value = (key: ContractKey): string | null => {
    const item = items.find((i) => i.key === key);
    if (!item) return null;
    const rest = item.text.slice(item.text.indexOf(':') + 1).trim();
    return [rest, ...item.details].filter((t) => t !== '').join('; ');
  };
  return {
    line: 0,
    items,
    primaryMetrics: value('primaryMetrics'),
    secondaryDiagnostics: value('secondaryDiagnostics'),
    statisticalChecks: value('statisticalChecks'),
    requiredArtifacts: value('requiredArtifacts'),
  };
}

const phaseArb = (number: number): fc.Arbitrary<Phase> =>
  fc
    .record({
      title: fc.oneof(
        fc.constant(''),
        fc.array(fc.constantFrom('Code', 'Baselines', 'and', 'Δ', 'v2'), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
      ),
      notes: fc.array(text(8), { maxLength: 2 }),
      size: fc.nat(7),
    })
    .chain(({ title, notes, size }) =>
      fc
        .tuple(...Array.from({ length: size }, (_, i) => taskArb(number, i + 1)))
        .map((tasks) => ({ number, title, notes, tasks, line: 0 })),
    );

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    notes: maybe(fc.array(noteArb, { maxLength: 4 })),
    phaseCount: fc.nat(7),
    stray: fc.nat(2),
    contract: maybe(fc.array(contractItemArb, { maxLength: 5 })),
  })
  .chain(({ notes, phaseCount, stray, contract }) =>
    fc
      .tuple(
        fc.tuple(...Array.from({ length: phaseCount }, (_, i) => phaseArb(i + 1))),
        fc.tuple(...Array.from({ length: stray }, (_, i) => taskArb(9, i + 1))),
      )
      .map(([phases, strayTasks]) => ({
        abort: false,
        abortReasons: [],
        abortLine: null,
        fenced: false,
        notes: notes && {
          line: 0,
          items: notes,
          present: {
            'codebase-findings': notes.some((n) => n.kind === 'codebase-findings'),
            'risks-and-assumptions': notes.some((n) => n.kind === 'risks-and-assumptions'),
            'experiment-layout': notes.some((n) => n.kind === 'experiment-layout'),
          },
        },
        phases,
        strayTasks,
        contract: contract && contractOf(contract),
      })),
  );

/** The plan without source lines, which only a parse can know. */
function withoutLines(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLines);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'line')
      .map(([k, v]) => [k, withoutLines(v)]),
  );
}

describe('renderPlanMarkdown / parsePlan round trip', () => {
  it('parses a rendered plan back to the same plan, with every line pointing at its text', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const markdown = renderPlanMarkdown(plan);
        const parsed = parsePlan(markdown);
        expect(withoutLines(parsed)).toEqual(withoutLines(plan));
        const lines = markdown.split('\n');
        for (const phase of parsed.phases) {
          expect(lines[phase.line - 1]).toMatch(new RegExp(`^## Phase ${phase.number}\\b`));
          for (const task of phase.tasks) expect(lines[task.line - 1]).toContain(`[${task.id}]`);
        }
        for (const item of [...(parsed.notes?.items ?? []), ...(parsed.contract?.items ?? [])]) {
          expect(lines[item.line - 1]).toBe(`- ${item.text}`.trimEnd());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips plans large enough to be parsed in pieces', () => {
    const plan = parsePlan(generatePlanMarkdown(1_200));
    expect(withoutLines(parsePlan(renderPlanMarkdown(plan)))).toEqual(withoutLines(plan));
  });
});

const findingArb: fc.Arbitrary<Finding> = fc.record({
  rule: fc.constantFrom('task-format', 'phase-count', 'dependency-cycle'),
  severity: fc.constantFrom('error', 'warning') as fc.Arbitrary<Finding['severity']>,
  line: maybe(fc.nat(10_000)),
  message: fc.string({ maxLength: 300 }),
});

function expectWithin(text: string, budget: number): void {
  expect(text.length).toBeLessThanOrEqual(budget);
  // Fence lines at the top level come in pairs (a fence inside the summary's blockquote ends with it).
  expect(text.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
  expect(text.split('<details>').length).toBe(text.split('</details>').length);
}

describe('presentPlanComment budget', () => {
  it('never exceeds the budget and never leaves a fence or details element open', () => {
    fc.assert(
      fc.property(
        planArb,
        fc.array(findingArb, { maxLength: 80 }),
        fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(2_000, 500, 65_000)),
        fc.record({
          title: fc.option(fc.string({ maxLength: 400 }), { nil: undefined }),
          summary: fc.option(fc.string({ maxLength: 5_000 }), { nil: undefined }),
          fileUrl: fc.option(fc.webUrl(), { nil: undefined }),
        }),
        (plan, findings, budget, options) => {
          expectWithin(presentPlanComment(plan, findings, { ...options, budget }), budget);
          expectWithin(presentJobSummary(plan, findings, { ...options, budget }), budget);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps huge plans within tiny and default budgets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 25, max: 3_000 }), fc.constantFrom(2_000, 10_000, 65_000), (tasks, budget) => {
        const plan = parsePlan(generatePlanMarkdown(tasks));
        expectWithin(presentPlanComment(plan, checkPlan(plan), { budget, summary: 'x'.repeat(20_000) }), budget);
      }),
      { numRuns: 12 },
    );
  });
});

const FRAGMENTS = [
  '## Phase 1 - X',
  '### Phase 2 — Y',
  '**Phase 3: Z**',
  '## Phase 2',
  '# Title',
  '## Planning Notes',
  '## Shared Metrics and Analytics Contract',
  '- [ ] [P1-T1] a | deliverable: b | done-when: c',
  '- [/] [P1-T2] x | depends on P1-T1',
  '- [x] [P2-T1] y | after [P9-T9]',
  '  - nested | deps: P1-T1',
  '  - deliverable: d',
  '1. [ ] [P2-T2] z',
  '* [X] [P3-T1]',
  '- Primary metrics:',
  '- Key risks and assumptions',
  '- Tasks:',
  '    indented code',
  '```',
  '```markdown',
  '~~~',
  '> quote',
  '<!--',
  '-->',
  '<plan>',
  '</plan>',
  '<details>',
  '| a | b |',
  '|---|---|',
  'ABORT_EARLY_DOCS_CHECK_FAILED',
  '`',
  '\\',
  '[x]',
  '[P1-T1]',
  '---',
  '===',
  '',
  '- ',
  '-',
  '[ ]',
  '\t- [ ] [P1-T3] tab',
  'P1-T1 P1-T1',
  '(depends: P1-T1, P1-T2)',
];

describe('parsePlan never throws', () => {
  const pipeline = (input: string): void => {
    const plan = parsePlan(input);
    const findings = checkPlan(plan);
    expect(presentPlanComment(plan, findings, { budget: 3_000 }).length).toBeLessThanOrEqual(3_000);
    renderPlanMarkdown(plan);
  };

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 500 }), pipeline), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 500 }), pipeline), { numRuns: 200 });
  });

  it('on arbitrary markdown-ish documents', () => {
    const line = fc.oneof(
      fc.constantFrom(...FRAGMENTS),
      fc.string({ maxLength: 20 }),
      fc.tuple(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 60 }).map((lines) => lines.join('\n')),
        pipeline,
      ),
      { numRuns: 500 },
    );
  });
});
