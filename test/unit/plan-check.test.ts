import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/plan/check.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { Finding } from '../../src/plan/types.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const valid = fixture('valid.md');

/** valid.md with each `from` replaced by `to` (each must occur exactly once). */
function mutate(...pairs: Array<[string, string]>): string {
  return pairs.reduce((text, [from, to]) => {
    expect(text.split(from).length - 1, `"${from}" should occur once`).toBe(1);
    return text.replace(from, to);
  }, valid);
}

const check = (text: string): Finding[] => checkPlan(parsePlan(text));
const brief = (findings: Finding[]): Array<[string, string, number | null]> => findings.map((f) => [f.rule, f.severity, f.line]);

describe('checkPlan: fixtures', () => {
  it('finds nothing wrong with the valid plan', () => {
    expect(check(valid)).toEqual([]);
  });

  it('reports an abort checklist once, as such, not as a broken plan', () => {
    const findings = check(fixture('abort.md'));
    expect(brief(findings)).toEqual([['abort-checklist', 'warning', 5]]);
    expect(findings[0]!.message).toContain('HTTP 503');
  });

  it('reads a fenced plan like the plain one', () => {
    expect(check(fixture('fenced.md'))).toEqual([]);
  });

  it("names the duplicate phases of the seed prompt's garbled example shape followed literally", () => {
    const findings = check(fixture('garbled.md'));
    expect(brief(findings)).toEqual([
      ['phase-duplicate', 'error', 20],
      ['phase-duplicate', 'error', 24],
      ['task-id-duplicate', 'error', 21],
      ['task-id-duplicate', 'error', 25],
    ]);
    expect(findings[0]!.message).toContain('Phase 3 appears 2 times (lines 1, 20)');
  });

  it('reads "run names" and "run manifest" as things, not as running experiments (the scripted agent\'s plan)', () => {
    expect(check(fixture('run-names.md'))).toEqual([]);
  });

  it('warns, without failing, when the plan has fewer than 10 tasks', () => {
    expect(brief(check(fixture('small.md')))).toEqual([['task-count', 'warning', null]]);
  });

  it('reports a document without a plan once', () => {
    expect(brief(check('The agent gave up.'))).toEqual([['plan-empty', 'error', null]]);
  });
});

describe('checkPlan: each rule broken once', () => {
  const extraPhases = ['6', '7']
    .map(
      (n) =>
        `\n## Phase ${n} - Extra\n- [ ] [P${n}-T1] Extra work | deliverable: x.md | done-when: x.md exists\n- [ ] [P${n}-T2] More work | deliverable: y.md | done-when: y.md exists\n`,
    )
    .join('');

  const cases: Array<{ rule: string; text: string; expected: Array<[string, string, number | null]>; says?: RegExp }> = [
    {
      rule: 'phase-count',
      text: valid + extraPhases,
      // The final reflection (line 30) is no longer in the last phase either.
      expected: [
        ['phase-count', 'error', 8],
        ['reflection-final-position', 'warning', 30],
      ],
      says: /7 phases; organise it as 4-6/,
    },
    {
      rule: 'phase-numbering',
      text: valid.replace('## Phase 5 -', '## Phase 6 -').replaceAll('P5-T', 'P6-T'),
      expected: [['phase-numbering', 'warning', 27]],
      says: /numbered 1, 2, 3, 4, 6/,
    },
    {
      rule: 'task-format (deliverable)',
      text: mutate([' | deliverable: exp/design.md', '']),
      expected: [['task-format', 'error', 14]],
      says: /P2-T1 lacks a `deliverable: <path>` field/,
    },
    {
      rule: 'task-format (checkbox and done-when)',
      text: mutate(
        ['- [ ] [P1-T1] Map', '- [P1-T1] Map'],
        [' | done-when: code_map.md names the file and function for data loading, training loop, checkpointing and evaluation', ''],
      ),
      expected: [['task-format', 'error', 9]],
      says: /P1-T1 lacks a `\[ \]` checkbox, a `done-when: <condition>` field/,
    },
    {
      rule: 'task-id-duplicate',
      text: mutate(['[P4-T3] Statistical', '[P4-T2] Statistical'], ['depends on P4-T2, P4-T3', 'depends on P4-T2']),
      expected: [['task-id-duplicate', 'error', 25]],
      says: /P4-T2 is already used on line 24/,
    },
    {
      rule: 'task-id-phase',
      text: mutate(['[P4-T1] Midpoint', '[P3-T3] Midpoint']),
      expected: [['task-id-phase', 'error', 23]],
      says: /P3-T3 sits under Phase 4/,
    },
    {
      rule: 'task-outside-phase',
      text: `${valid}\n## Extra work\n- [ ] [P5-T4] Archive the runs | deliverable: exp/archive.tar | done-when: archive exists\n`,
      expected: [['task-outside-phase', 'error', 39]],
    },
    {
      rule: 'reflection-midpoint',
      text: mutate(['Midpoint reflection: inspect', 'Checkpoint review: inspect']),
      expected: [['reflection-midpoint', 'error', null]],
    },
    {
      rule: 'reflection-final',
      text: mutate(['Final reflection: review', 'Closing review: review']),
      expected: [['reflection-final', 'error', null]],
    },
    {
      rule: 'reflection-content',
      text: mutate([', and states whether to continue or replan', '']),
      expected: [['reflection-content', 'warning', 23]],
      says: /does not state the criteria for continuing vs. replanning/,
    },
    {
      rule: 'reflection-final-position',
      text: mutate(['- [ ] [P5-T3] Final reflection', '- [ ] [P5-T9] Notes']).replace(
        '## Phase 5',
        '- [ ] [P4-T4] Final reflection: review the evidence, add follow-up tasks, and decide to continue vs. replan | deliverable: f.md | done-when: f.md exists\n\n## Phase 5',
      ),
      expected: [['reflection-final-position', 'warning', 27]],
    },
    {
      rule: 'ablation-task',
      text: mutate(
        ['Ablation and sensitivity analysis: label-smoothing', 'Strength study: label-smoothing'],
        ['exp/analysis/ablation.md', 'exp/analysis/strength.md'],
        ['ablation.md has', 'strength.md has'],
      ),
      expected: [['ablation-task', 'error', null]],
    },
    {
      rule: 'experiment-api-flow',
      text: mutate(
        ['in one sweep, one run per (smoothing, seed) via `POST /runs`', 'for 3 seeds each'],
        ['9 runs finished in `GET /runs`', '9 models finished'],
      ),
      expected: [['experiment-api-flow', 'warning', 19]],
      says: /POST \/sweeps\/wild/,
    },
    {
      rule: 'experiment-api-flow (run names are a thing; running the experiments still counts)',
      text: mutate(
        [
          'Train the cross-entropy baseline for 3 seeds through a sweep (POST /sweeps/wild, one POST /runs per seed)',
          'Run the cross-entropy baseline experiments for 3 seeds with deterministic run names',
        ],
        ['3 runs finished in `GET /runs` and summary.csv', '3 runs finished and summary.csv'],
      ),
      expected: [['experiment-api-flow', 'warning', 15]],
    },
    {
      rule: 'experiment-api-flow (not for a task that only sets up run names and a run manifest)',
      text: mutate([
        'Map the training and evaluation entry points, configs and data loaders',
        'Create the experiment root and logging layout with deterministic run names and a run manifest per experiment',
      ]),
      expected: [],
    },
    {
      rule: 'analytics-contract',
      text: valid.slice(0, valid.indexOf('## Shared Metrics')),
      expected: [['analytics-contract', 'error', null]],
    },
    {
      rule: 'analytics-contract-item (empty and missing)',
      text: valid.replace(/- Statistical checks: .*\n/, '- Statistical checks:\n').replace(/- Required artifacts: .*\n/, ''),
      expected: [
        ['analytics-contract-item', 'error', 35],
        ['analytics-contract-item', 'error', 32],
      ],
      says: /leaves empty the "Statistical checks" item/,
    },
    {
      rule: 'planning-notes',
      text: valid.replace(/## Planning Notes\n(- .*\n)+/, ''),
      expected: [['planning-notes', 'error', null]],
    },
    {
      rule: 'planning-notes-item',
      text: valid.replace(/- Key risks and assumptions: .*\n/, ''),
      expected: [['planning-notes-item', 'error', 3]],
      says: /lack "Key risks and assumptions"/,
    },
    {
      rule: 'planning-notes-empty',
      text: valid.replace(/- Key risks and assumptions: .*\n/, '- Key risks and assumptions\n'),
      expected: [['planning-notes-empty', 'warning', 5]],
    },
    {
      rule: 'dependency-unknown',
      text: mutate(['| depends on P2-T1\n- [ ] [P3-T2]', '| depends on P2-T9\n- [ ] [P3-T2]']),
      expected: [['dependency-unknown', 'error', 19]],
      says: /P3-T1 depends on P2-T9, which no task/,
    },
    {
      rule: 'dependency-cycle',
      text: mutate(['checkpointing and evaluation\n', 'checkpointing and evaluation | after P2-T1\n']),
      expected: [['dependency-cycle', 'error', 9]],
      says: /P1-T1, P1-T3, P2-T1 depend on each other in a cycle/,
    },
    {
      rule: 'dependency-cycle (self)',
      text: mutate(['(depends: P1-T1)', '(depends: P1-T3)']),
      expected: [['dependency-cycle', 'error', 11]],
      says: /P1-T3 depends on itself/,
    },
  ];

  for (const { rule, text, expected, says } of cases) {
    it(rule, () => {
      const findings = check(text);
      expect(brief(findings)).toEqual(expected);
      if (says) expect(findings.map((f) => f.message).join('\n')).toMatch(says);
    });
  }

  it('phase-task-count: a phase with 7 tasks and a phase with 1', () => {
    const extra = [4, 5, 6, 7]
      .map((n) => `- [ ] [P1-T${n}] Extra step ${n} | deliverable: e${n}.md | done-when: e${n}.md exists\n`)
      .join('');
    const p13 = valid.split('\n').find((l) => l.startsWith('- [ ] [P1-T3]'))!;
    const text = valid
      .replace(`${p13}\n`, `${p13}\n${extra}`)
      .replace(/- \[ \] \[P3-T2\].*\n/, '')
      .replaceAll('P3-T2', 'P3-T1');
    const findings = check(text);
    expect(brief(findings)).toEqual([
      ['phase-task-count', 'error', 8],
      ['phase-task-count', 'error', 22],
    ]);
    expect(findings[0]!.message).toMatch(/Phase 1 has 7 tasks; each phase needs 2-6/);
    expect(findings[1]!.message).toMatch(/Phase 3 has 1 task;/);
  });
});
