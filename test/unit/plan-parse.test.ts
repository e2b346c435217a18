import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePlanMarkdown } from '../../bench/plan-size.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { Plan, Task } from '../../src/plan/types.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const tasksOf = (plan: Plan): Task[] => [...plan.phases.flatMap((p) => p.tasks), ...plan.strayTasks];
const byId = (plan: Plan, id: string): Task => {
  const task = tasksOf(plan).find((t) => t.id === id);
  if (!task) throw new Error(`no task ${id}`);
  return task;
};

describe('parsePlan on the valid fixture', () => {
  const plan = parsePlan(fixture('valid.md'));

  it('reads five phases with their titles and heading lines', () => {
    expect(plan.phases.map((p) => [p.number, p.title, p.line])).toEqual([
      [1, 'Code Understanding and Refactor Prep', 8],
      [2, 'Experiment Design and Baselines', 13],
      [3, 'Main Method and Tracked Runs', 18],
      [4, 'Analytics and Validation', 22],
      [5, 'Reflection and Replan', 27],
    ]);
    expect(tasksOf(plan)).toHaveLength(14);
    expect(plan.abort).toBe(false);
    expect(plan.fenced).toBe(false);
  });

  it('splits a task line into description, deliverable and done-when, keeping inline code', () => {
    expect(byId(plan, 'P1-T2')).toEqual({
      id: 'P1-T2',
      phase: 1,
      number: 2,
      state: 'todo',
      checkbox: true,
      description: 'Add ECE, NLL and Brier score to `src/eval/metrics.py` with unit tests',
      deliverable: 'src/eval/metrics.py, tests/test_calibration.py',
      doneWhen: '`pytest tests/test_calibration.py` passes and ECE of a perfectly calibrated toy model is < 1e-3',
      dependencies: [],
      details: [],
      line: 10,
    });
  });

  it('turns every dependency spelling into sorted edges and keeps them out of the fields', () => {
    expect(byId(plan, 'P1-T3').dependencies).toEqual(['P1-T1']); // (depends: P1-T1) inside done-when
    expect(byId(plan, 'P2-T1').dependencies).toEqual(['P1-T3']); // | depends on P1-T3
    expect(byId(plan, 'P2-T2').dependencies).toEqual(['P1-T2', 'P2-T1']); // | deps: P1-T2, P2-T1
    expect(byId(plan, 'P2-T3').dependencies).toEqual(['P2-T2']); // | after [P2-T2]
    expect(byId(plan, 'P3-T2').dependencies).toEqual(['P2-T3', 'P3-T1']); // after P2-T3 and P3-T1
    expect(byId(plan, 'P2-T1').doneWhen).toBe('design.md lists every run name and its exact command');
  });

  it('keeps the planning notes and says which of the three items are present', () => {
    expect(plan.notes?.line).toBe(3);
    expect(plan.notes?.items.map((i) => [i.kind, i.line])).toEqual([
      ['codebase-findings', 4],
      ['risks-and-assumptions', 5],
      ['experiment-layout', 6],
    ]);
    expect(plan.notes?.present).toEqual({ 'codebase-findings': true, 'risks-and-assumptions': true, 'experiment-layout': true });
  });

  it('reads the four analytics contract items', () => {
    expect(plan.contract?.line).toBe(32);
    expect(plan.contract?.primaryMetrics).toMatch(/^expected calibration error/);
    expect(plan.contract?.secondaryDiagnostics).toMatch(/^NLL, Brier score/);
    expect(plan.contract?.statisticalChecks).toMatch(/^3 seeds per configuration/);
    expect(plan.contract?.requiredArtifacts).toMatch(/^`results\/summary.csv`/);
  });
});

describe('parsePlan on what agents actually write', () => {
  const plan = parsePlan(fixture('messy.md'));

  it('accepts `## Phase 1 - X`, `### Phase 2 — X`, `## Phase 3: X` and a bold `**Phase 4 - X**` line', () => {
    expect(plan.phases.map((p) => [p.number, p.title])).toEqual([
      [1, 'Understand'],
      [2, 'Baselines'],
      [3, 'Method'],
      [4, 'Analysis'],
    ]);
  });

  it('reads [x] as done and [/] as in progress (GFM itself only knows [ ] and [x])', () => {
    expect(byId(plan, 'P1-T1').state).toBe('done');
    expect(byId(plan, 'P1-T2').state).toBe('in-progress');
    expect(byId(plan, 'P1-T2').checkbox).toBe(true);
  });

  it('takes fields written as nested bullets, with pipes inside code spans intact', () => {
    const task = byId(plan, 'P1-T2');
    expect(task.deliverable).toBe('`src/data.py`');
    expect(task.doneWhen).toBe('tests pass with `pytest -k data | tee log.txt`');
    expect(task.dependencies).toEqual(['P1-T1']);
    expect(task.details).toEqual([]);
  });

  it('ignores task-like lines in code fences and inline code, and prose before the plan', () => {
    const ids = tasksOf(plan).map((t) => t.id);
    expect(ids).not.toContain('P7-T1');
    expect(ids).not.toContain('P8-T1');
    expect(ids).not.toContain('P9-T9');
    expect(plan.strayTasks).toEqual([]);
  });

  it('finds tasks nested under a "Tasks:" bullet and keeps the prose as phase notes', () => {
    const phase2 = plan.phases[1]!;
    expect(phase2.tasks.map((t) => t.id)).toEqual(['P2-T1', 'P2-T2']);
    expect(phase2.notes).toEqual(['Phase 2 runs the baselines.', 'Tasks:']);
    expect(byId(plan, 'P2-T2').dependencies).toEqual(['P1-T1', 'P2-T1']);
  });

  it('reads ids in bold or without brackets, unescapes \\|, and keeps tasks that lack an id', () => {
    expect(byId(plan, 'P3-T1').description).toBe('Implement the method | with an escaped pipe');
    expect(byId(plan, 'P3-T2').description).toBe('Midpoint reflection on evidence so far');
    const noId = plan.phases[3]!.tasks[2]!;
    expect(noId).toMatchObject({ id: null, phase: 4, number: null, description: 'Write the report without an id', line: 44 });
  });

  it('reads requires/needs/blocked-by mentions as dependencies', () => {
    expect(byId(plan, 'P3-T1').dependencies).toEqual(['P2-T2']);
    expect(byId(plan, 'P4-T1').dependencies).toEqual(['P3-T1']);
    expect(byId(plan, 'P4-T2').dependencies).toEqual(['P4-T1']);
  });

  it('reads notes given as sub-headings and contract items with nested bullets', () => {
    expect(plan.notes?.present).toEqual({ 'codebase-findings': true, 'risks-and-assumptions': true, 'experiment-layout': true });
    expect(plan.notes?.items[0]).toMatchObject({
      text: 'Key codebase findings',
      details: ['`train.py` drives everything', 'configs live in `conf/`'],
    });
    expect(plan.contract).toMatchObject({
      primaryMetrics: 'accuracy',
      secondaryDiagnostics: 'loss curves; gradient norms',
      statisticalChecks: '',
      requiredArtifacts: 'tables and plots',
    });
  });
});

describe('parsePlan on wrapped and special documents', () => {
  it('reads a plan wrapped in a ``` fence, with lines pointing into the original file', () => {
    const plan = parsePlan(fixture('fenced.md'));
    expect(plan.fenced).toBe(true);
    expect(tasksOf(plan)).toHaveLength(14);
    // The fence opens on line 3, so every line moves down by 3 against valid.md.
    expect(byId(plan, 'P1-T1').line).toBe(12);
    expect(plan.phases[0]!.line).toBe(11);
    expect(plan.contract?.line).toBe(35);
  });

  it('reads a plan between <plan> tags', () => {
    const plan = parsePlan(`<plan>\n${fixture('valid.md')}</plan>\n`);
    expect(tasksOf(plan)).toHaveLength(14);
    expect(byId(plan, 'P1-T1').line).toBe(10);
  });

  it('reads CRLF files with the same lines', () => {
    const plan = parsePlan(fixture('valid.md').replace(/\n/g, '\r\n'));
    expect(byId(plan, 'P5-T3').line).toBe(30);
    expect(byId(plan, 'P5-T3').doneWhen).toMatch(/replan$/);
  });

  it('recognises the abort checklist and its reasons', () => {
    const plan = parsePlan(fixture('abort.md'));
    expect(plan.abort).toBe(true);
    expect(plan.abortLine).toBe(5);
    expect(plan.abortReasons).toEqual([
      '`curl -sf http://127.0.0.1:8787/docs` failed: connection refused',
      '`curl -sf http://127.0.0.1:8787/wild/v2/system-health` failed: HTTP 503',
    ]);
    expect(plan.phases).toEqual([]);
  });

  it('does not take a plan for an abort checklist because it mentions the sentinel', () => {
    const text = fixture('valid.md').replace('GPU quota is 4×A100 for 48 h.', 'if preflight fails we write ABORT_EARLY_DOCS_CHECK_FAILED.');
    const plan = parsePlan(text);
    expect(plan.abort).toBe(false);
    expect(plan.abortLine).toBe(5);
    expect(tasksOf(plan)).toHaveLength(14);
  });

  it('keeps tasks outside any phase as stray tasks', () => {
    const plan = parsePlan('# Notes\n\n- [ ] [P1-T1] Orphan | deliverable: a | done-when: b\n- just a bullet\n');
    expect(plan.strayTasks.map((t) => [t.id, t.line])).toEqual([['P1-T1', 3]]);
    expect(plan.phases).toEqual([]);
  });

  it('returns an empty plan for text without a plan', () => {
    expect(parsePlan('')).toMatchObject({ phases: [], strayTasks: [], notes: null, contract: null, abort: false });
    expect(parsePlan('I could not write a plan.').phases).toEqual([]);
  });
});

describe('parsePlan on large documents (parsed in pieces)', () => {
  it('reads every task of a 2,000-task plan with the right lines', () => {
    const text = generatePlanMarkdown(2_000);
    const plan = parsePlan(text);
    const lines = text.split('\n');
    const tasks = tasksOf(plan);
    expect(tasks).toHaveLength(2_000);
    expect(plan.phases).toHaveLength(400);
    for (const task of [tasks[0]!, tasks[777]!, tasks[1_999]!]) expect(lines[task.line - 1]).toContain(`[${task.id}]`);
    expect(plan.contract?.primaryMetrics).toBe('top-1 accuracy');
  });

  it('never cuts inside a code fence or an HTML comment', () => {
    // Fake phase headings (after a blank line, as a cut needs) ahead of every real one, so
    // wherever a piece reaches its size the next candidate is a fake one.
    const hidden = (n: number): string =>
      n % 2 === 0
        ? `\`\`\`text\n\n## Phase ${9_000 + n} - inside a fence\n- [ ] [P${9_000 + n}-T1] fake\n\`\`\`\n\n`
        : `<!--\n\n## Phase ${9_000 + n} - inside a comment\n-->\n\n`;
    const text = generatePlanMarkdown(1_500).replace(/^## Phase (\d+) /gm, (heading, n: string) => hidden(Number(n)) + heading);
    const plan = parsePlan(text);
    expect(plan.phases.filter((p) => p.number >= 9_000)).toEqual([]);
    expect(tasksOf(plan)).toHaveLength(1_500);
    const lines = text.split('\n');
    expect(lines[tasksOf(plan)[1_499]!.line - 1]).toContain('[P300-T5]');
  });
});

describe('parsePlan with input the GFM task-list extension trips on', () => {
  it('still reads the plan (a lazy `[ ]` line after an empty bullet)', () => {
    const plan = parsePlan(`-\n[ ]\n$\n\n${fixture('valid.md')}`);
    expect(tasksOf(plan)).toHaveLength(14);
    expect(byId(plan, 'P2-T2')).toMatchObject({ checkbox: true, state: 'todo', line: 19 });
  });
});
