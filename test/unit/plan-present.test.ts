import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePlanMarkdown } from '../../bench/plan-size.js';
import { checkPlan } from '../../src/plan/check.js';
import { parsePlan } from '../../src/plan/parse.js';
import { DEFAULT_MARKER, planToJson, presentJobSummary, presentPlanComment } from '../../src/plan/present.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const fileUrl = 'https://github.com/acme/calib/blob/wild-plan/issue-7/tasks.md';
const load = (text: string) => {
  const plan = parsePlan(text);
  return { plan, findings: checkPlan(plan) };
};

/** Every table in `text` has its header and delimiter rows, and fences/details are balanced. */
function expectWellFormed(text: string): void {
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (!l.startsWith('|')) return;
    const start = lines.slice(0, i + 1).findLastIndex((x) => !x.startsWith('|')) + 1;
    expect(lines[start + 1], `table at line ${start + 1} lacks its delimiter row`).toMatch(/^\|[-:| ]+\|$/);
  });
  // Fence lines at the top level come in pairs (a fence inside the summary's blockquote ends with it).
  expect(text.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
  expect(text.split('<details>').length).toBe(text.split('</details>').length);
}

describe('presentPlanComment', () => {
  const { plan, findings } = load(fixture('messy.md'));
  const comment = presentPlanComment(plan, findings, { fileUrl, title: 'Plan for #42', summary: 'Calibration study.' });

  it('starts with the hidden sticky-comment marker', () => {
    expect(comment.split('\n')[0]).toBe(DEFAULT_MARKER);
    expect(presentPlanComment(plan, findings, { marker: '<!-- other -->' }).split('\n')[0]).toBe('<!-- other -->');
  });

  it('shows an overview table with phases, tasks, done and findings counts', () => {
    expect(comment).toContain('## Plan for #42');
    expect(comment).toContain('| Phases | Tasks | Done | In progress | Errors | Warnings |');
    expect(comment).toContain('| 4 | 9 | 1 | 1 | 2 | 1 |');
    expect(comment).toContain('❌ **2 contract errors**');
    expect(comment).toContain('> Calibration study.');
  });

  it('has one collapsible section per phase with a task table', () => {
    expect(comment.split('<details>')).toHaveLength(5);
    expect(comment).toContain('<summary><b>Phase 1 — Understand</b> · 2 tasks · 1 done</summary>');
    expect(comment).toContain('| ✅ | P1-T1 | Read the training loop | notes/loop.md | notes/loop.md exists | — |');
    expect(comment).toContain(
      '| 🔄 | P1-T2 | Refactor the data loader | `src/data.py` | tests pass with `pytest -k data \\| tee log.txt` | P1-T1 |',
    );
    expect(comment).toContain('| ⬜ | — | Write the report without an id | report.md | report.md exists | — |');
    expectWellFormed(comment);
  });

  it('draws the phases and dependencies as a mermaid flowchart', () => {
    const chart = comment.slice(comment.indexOf('```mermaid'), comment.indexOf('```', comment.indexOf('```mermaid') + 3));
    expect(chart).toContain('flowchart TD');
    expect(chart).toContain('subgraph');
    expect(chart).toContain('n_P1_T1 --> n_P1_T2');
    expect(chart).toContain('n_P2_T2 --> n_P3_T1');
  });

  it('lists the findings, errors first, with lines, and links the file', () => {
    const at = comment.indexOf('### Findings');
    expect(at).toBeGreaterThan(0);
    const list = comment
      .slice(at)
      .split('\n')
      .filter((l) => l.startsWith('- '));
    expect(list[0]).toMatch(/^- ❌ `task-format` \(line 44\): /);
    expect(list[1]).toMatch(/^- ❌ `analytics-contract-item` \(line 51\): /);
    expect(list[2]).toMatch(/^- ⚠️ `task-count`: /);
    expect(comment).toContain(`[tasks.md](${fileUrl})`);
  });

  it('escapes task text so it cannot break the table, the details element or the marker', () => {
    const hostile = fixture('valid.md').replace(
      'Map the training and evaluation entry points',
      'Map </details> <!-- wild-plan:plan-comment --> a|b `x|y` `c\\|d` entry points',
    );
    const { plan: p, findings: f } = load(hostile);
    const text = presentPlanComment(p, f, { summary: 'Done. <!-- wild-plan:plan-comment --> </details>' });
    expect(text.split(DEFAULT_MARKER)).toHaveLength(2);
    expect(text.split('</details>')).toHaveLength(6);
    const row = text.split('\n').find((l) => l.startsWith('| ⬜ | P1-T1 |'))!;
    expect(row).toContain('Map &lt;/details> &lt;!-- wild-plan:plan-comment --> a \\| b `x\\|y`');
    // Cells are split by pipes not escaped by an odd run of backslashes, as GFM does.
    const cells = row.split(/(?<!(?:^|[^\\])(?:\\\\)*\\)\|/).slice(1, -1);
    expect(cells).toHaveLength(6);
    expectWellFormed(text);
  });

  it('degrades step by step as the budget shrinks: no mermaid, then phase counts, then no tables', () => {
    const { plan: p, findings: f } = load(fixture('valid.md'));
    const full = presentPlanComment(p, f, { fileUrl });
    expect(full).toContain('```mermaid');
    const noMermaid = presentPlanComment(p, f, { fileUrl, budget: full.length - 1 });
    expect(noMermaid).not.toContain('```mermaid');
    expect(noMermaid).toContain('<details>');
    expect(noMermaid).toContain('Shortened to fit');
    const counts = presentPlanComment(p, f, { fileUrl, budget: noMermaid.length - 1 });
    expect(counts).not.toContain('<details>');
    expect(counts).toContain('| Phase | Title | Tasks | Done |');
    expect(counts).toContain('| 2 | Experiment Design and Baselines | 3 | 0 |');
    const bare = presentPlanComment(p, f, { fileUrl, budget: counts.length - 1 });
    expect(bare).not.toContain('|');
    expect(bare).toContain('5 phases · 14 tasks · 0 done');
    expect(bare).toContain(`[tasks.md](${fileUrl})`);
    for (const text of [noMermaid, counts, bare]) expectWellFormed(text);
  });

  it('keeps a 10,000-task plan under 2,000 characters when asked, still linking the file', () => {
    const { plan: p, findings: f } = load(generatePlanMarkdown(10_000));
    const text = presentPlanComment(p, f, { fileUrl, budget: 2_000 });
    expect(text.length).toBeLessThanOrEqual(2_000);
    expect(text.startsWith(DEFAULT_MARKER)).toBe(true);
    expect(text).toContain(`[tasks.md](${fileUrl})`);
    expect(presentPlanComment(p, f).length).toBeLessThanOrEqual(65_000);
  });

  it('presents an abort checklist as an abort notice with the reasons, not as a plan', () => {
    const { plan: p, findings: f } = load(fixture('abort.md'));
    const text = presentPlanComment(p, f, { fileUrl });
    expect(text.split('\n')[0]).toBe(DEFAULT_MARKER);
    expect(text).toContain('Planning aborted');
    expect(text).toContain('- `curl -sf http://127.0.0.1:8787/wild/v2/system-health` failed: HTTP 503');
    expect(text).not.toContain('<details>');
    expect(text).not.toContain('| Phases |');
  });

  it('ignores a file URL that is not http(s)', () => {
    const text = presentPlanComment(plan, findings, { fileUrl: 'javascript:alert(1)' });
    expect(text).not.toContain('javascript:');
  });
});

describe('presentJobSummary', () => {
  it('gives the overview, phase counts and findings without the marker, graph or task tables', () => {
    const { plan, findings } = load(fixture('garbled.md'));
    const text = presentJobSummary(plan, findings, { fileUrl });
    expect(text).not.toContain(DEFAULT_MARKER);
    expect(text).not.toContain('```mermaid');
    expect(text).not.toContain('<details>');
    expect(text).toContain('| Phase | Title | Tasks | Done |');
    expect(text).toContain('`phase-duplicate` (line 20)');
    expect(text.length).toBeLessThan(presentPlanComment(plan, findings, { fileUrl }).length);
  });
});

describe('planToJson', () => {
  it('is plain JSON data with counts, detached from the plan', () => {
    const plan = parsePlan(fixture('messy.md'));
    const json = planToJson(plan);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.counts).toEqual({ phases: 4, tasks: 9, done: 1, inProgress: 1, todo: 7 });
    expect(json.phases[0]!.tasks[0]!.id).toBe('P1-T1');
    json.phases[0]!.tasks[0]!.id = 'changed';
    expect(plan.phases[0]!.tasks[0]!.id).toBe('P1-T1');
  });
});

describe('heading levels and the run footer', () => {
  const { plan, findings } = load(fixture('messy.md'));

  it('puts the title at the level asked for and its sections one level down (the job summary nests it under its own heading)', () => {
    const text = presentJobSummary(plan, findings, { headingLevel: 3 });
    const levels = [...text.matchAll(/^(#{1,6}) /gm)].map((m) => m[1]!.length);
    expect(levels[0]).toBe(3);
    expect(levels.slice(1).every((level) => level === 4)).toBe(true);
    expect(presentPlanComment(plan, findings).split('\n')[1]).toBe('## Research plan');
  });

  it('keeps the footer lines at every level of detail, inside the budget', () => {
    const footer = ['<sub>📜 Prompt: the bundled `wild_v2_planning`</sub>'];
    for (const budget of [65_000, 4_000, 1_200]) {
      const text = presentPlanComment(plan, findings, { fileUrl, footer, budget });
      expect(text.length, String(budget)).toBeLessThanOrEqual(budget);
      expect(text.endsWith(footer[0]!), String(budget)).toBe(true);
    }
  });
});
