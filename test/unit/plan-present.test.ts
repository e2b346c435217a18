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

  it('shows one status line with the findings and counts, progress included once some task is done', () => {
    expect(comment).toContain('## Plan for #42');
    expect(comment).toContain('❌ **2 contract errors** · 1 warning · 4 phases · 9 tasks · 1 done · 1 in progress');
    expect(comment).toContain("**Agent's summary**\n> Calibration study.");
  });

  it('has one collapsible section per phase with a task table, task states shown on a plan in progress', () => {
    expect(comment.split('<details>')).toHaveLength(5);
    expect(comment).toContain('<summary><b>Phase 1 — Understand</b> · 2 tasks · 1 done · 1 in progress</summary>');
    expect(comment).toContain('| | ID | Task | Deliverable | Done when |');
    expect(comment).toContain('| ✅ | P1-T1 | Read the training loop | notes/loop.md | notes/loop.md exists |');
    expect(comment).toContain(
      '| 🔄 | P1-T2 | Refactor the data loader (depends on P1-T1) | `src/data.py` | tests pass with `pytest -k data \\| tee log.txt` |',
    );
    expect(comment).toContain('| ⬜ | — | Write the report without an id | report.md | report.md exists |');
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
    expect(list[0]!.startsWith(`- ❌ \`task-format\` ([line 44](${fileUrl}?plain=1#L44)): `)).toBe(true);
    expect(list[1]!.startsWith(`- ❌ \`analytics-contract-item\` ([line 51](${fileUrl}?plain=1#L51)): `)).toBe(true);
    expect(list[2]).toMatch(/^- ⚠️ `task-count`: /);
    expect(comment).toContain(`[tasks.md](${fileUrl})`);
  });

  it('links each finding to its line of tasks.md on the plan branch, and names the line when there is no link', () => {
    const linked = presentPlanComment(plan, findings, { fileUrl: `${fileUrl}?ref=x#top` });
    expect(linked).toContain(`([line 44](${fileUrl}?ref=x&plain=1#L44))`);
    const unlinked = presentPlanComment(plan, findings);
    expect(unlinked).toContain('- ❌ `task-format` (line 44): ');
    expect(unlinked).not.toContain('#L44');
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
    const row = text.split('\n').find((l) => l.startsWith('| P1-T1 |'))!;
    expect(row).toContain('Map &lt;/details> &lt;!-- wild-plan:plan-comment --> a \\| b `x\\|y`');
    // Cells are split by pipes not escaped by an odd run of backslashes, as GFM does.
    const cells = row.split(/(?<!(?:^|[^\\])(?:\\\\)*\\)\|/).slice(1, -1);
    expect(cells).toHaveLength(4);
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
    expect(counts).toContain('| Phase | Title | Tasks |\n');
    expect(counts).toContain('| 2 | Experiment Design and Baselines | 3 |\n');
    expect(counts).toContain('### Planning notes');
    const bare = presentPlanComment(p, f, { fileUrl, budget: counts.length - 1 });
    expect(bare).not.toContain('|');
    expect(bare).not.toContain('### Planning notes');
    expect(bare).toContain('✅ **Meets the planning contract** · 5 phases · 14 tasks\n');
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
    expect(text).toContain('| Phase | Title | Tasks |\n');
    expect(text).not.toContain('Planning notes');
    expect(text).toContain(`\`phase-duplicate\` ([line 20](${fileUrl}?plain=1#L20))`);
    expect(text.length).toBeLessThan(presentPlanComment(plan, findings, { fileUrl }).length);
  });
});

describe('a comment reviewers read', () => {
  const valid = load(fixture('valid.md'));
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

  it('quotes the goal under the heading, cut at a word with an ellipsis, without repeating the title', () => {
    const goal = `Plan for #42\n\n${words(200)}\n\n### Constraints\n\nCPU only`;
    const text = presentPlanComment(valid.plan, valid.findings, { title: 'Plan for #42', goal });
    const lines = text.split('\n');
    const at = lines.indexOf('**Goal**');
    expect(at).toBeGreaterThan(lines.indexOf('## Plan for #42'));
    const quoted = lines[at + 1]!;
    expect(quoted).toMatch(/^> word0 word1 .*…$/);
    expect(quoted.length).toBeLessThanOrEqual(2 + 400);
    expect(quoted.length).toBeGreaterThan(300);
    // The text before the ellipsis ends where a word of the goal ends.
    const kept = quoted.slice(2, -1);
    expect(`${words(200)} `.startsWith(`${kept} `)).toBe(true);
    const short = presentPlanComment(valid.plan, valid.findings, {
      title: 'T',
      goal: 'T\n\nDoes <b>it</b> help?\n\n### Constraints\n\nCPU only',
    });
    expect(short).toContain('**Goal**\n> Does &lt;b>it&lt;/b> help? Constraints: CPU only\n');
    expect(presentPlanComment(valid.plan, valid.findings)).not.toContain('**Goal**');
  });

  it('shows the planning notes and the analytics contract, open when short and folded when long', () => {
    const text = presentPlanComment(valid.plan, valid.findings, { fileUrl });
    const notes = text.indexOf('### Planning notes');
    const contract = text.indexOf('### Metrics and analytics contract');
    expect(notes).toBeGreaterThan(0);
    expect(notes).toBeLessThan(text.indexOf('### Phases'));
    expect(contract).toBeGreaterThan(text.indexOf('### Phases'));
    expect(text.slice(notes)).toMatch(/^### Planning notes\n\n- Key codebase findings: `train.py` is the only entry point/);
    expect(text.slice(contract)).toMatch(/^### Metrics and analytics contract\n\n- Primary metrics:/);
    const many = Array.from({ length: 30 }, (_, i) => `- Key risk ${i}: ${words(20)}`).join('\n');
    const long = load(fixture('valid.md').replace('## Planning Notes\n', `## Planning Notes\n${many}\n`));
    const folded = presentPlanComment(long.plan, long.findings);
    expect(folded).toContain('### Planning notes\n\n<details>\n<summary>Planning notes · 33 items</summary>\n\n- Key risk 0:');
    expect(folded).toContain('### Metrics and analytics contract\n\n- Primary metrics:');
    expectWellFormed(folded);
  });

  it('shows no zero counts, state column or icons on a fresh plan', () => {
    const text = presentPlanComment(valid.plan, valid.findings, { fileUrl });
    expect(valid.plan.phases.flatMap((p) => p.tasks).every((t) => t.state === 'todo')).toBe(true);
    expect(text).not.toMatch(/\b0 done|in progress|⬜|✅ \||classDef/);
    expect(text).toContain('<summary><b>Phase 1 — Code Understanding and Refactor Prep</b> · 3 tasks</summary>');
    expect(text).toContain('| ID | Task | Deliverable | Done when |\n|---|---|---|---|\n| P1-T1 |');
    const started = load(fixture('valid.md').replace('- [ ] [P1-T1]', '- [x] [P1-T1]'));
    const progress = presentPlanComment(started.plan, started.findings, { fileUrl });
    expect(progress).toContain('5 phases · 14 tasks · 1 done · 0 in progress');
    expect(progress).toContain('| ✅ | P1-T1 |');
    expect(progress).toContain('| ⬜ | P1-T2 |');
    expect(progress).toContain('<summary><b>Phase 2 — Experiment Design and Baselines</b> · 3 tasks · 0 done</summary>');
  });

  it('names a dependency once: in the task text when it says so, else appended to it', () => {
    const { plan, findings } = load(
      '## Phase 1 - A\n- [ ] [P1-T1] First | deliverable: a | done-when: b\n' +
        '- [ ] [P1-T2] Set up uv (depends on P1-T1) | deliverable: c | done-when: d\n' +
        '- [ ] [P1-T3] Third | deliverable: e | done-when: f | deps: P1-T2\n' +
        '- [ ] [P1-T4] Fourth after P1-T1 | deliverable: g | done-when: h | deps: P1-T3\n',
    );
    const text = presentPlanComment(plan, findings);
    const row = (id: string) => text.split('\n').find((l) => l.startsWith(`| ${id} |`))!;
    expect(row('P1-T2')).toBe('| P1-T2 | Set up uv (depends on P1-T1) | c | d |');
    expect(row('P1-T3')).toBe('| P1-T3 | Third (depends on P1-T2) | e | f |');
    expect(row('P1-T4')).toBe('| P1-T4 | Fourth after P1-T1 (depends on P1-T3) | g | h |');
    expect(text.match(/depends on P1-T1/g)).toHaveLength(1);
  });

  it('shows the phases in order, whatever order the file has them in', () => {
    const { plan, findings } = load('## Phase 2 - Second\n- [ ] [P2-T1] b\n\n## Phase 1 - First\n- [ ] [P1-T1] a\n');
    const text = presentPlanComment(plan, findings);
    expect(text.indexOf('<b>Phase 1 — First</b>')).toBeLessThan(text.indexOf('<b>Phase 2 — Second</b>'));
    expect(text.indexOf('["Phase 1: First"]')).toBeLessThan(text.indexOf('["Phase 2: Second"]'));
  });
});

describe('a revision of the plan', () => {
  const { plan, findings } = load(fixture('valid.md'));
  const changes = ['**Changes since revision 1:** 1 task added', '', '- ➕ Added **P5-T4**: write the summary'].join('\n');
  const revision = { number: 2, changes, cause: 're-planned from a review' };

  it('carries a hidden revision line right under the marker and shows the revision and its cause under the heading', () => {
    const text = presentPlanComment(plan, findings, { revision, title: 'T' });
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      DEFAULT_MARKER,
      '<!-- wild-plan:revision 2 -->',
      '## T',
      '',
      '**Revision 2** · re-planned from a review',
    ]);
    expect(presentPlanComment(plan, findings, { revision: { number: 3 } })).toContain('\n**Revision 3**\n');
    expect(presentPlanComment(plan, findings)).not.toMatch(/revision/i);
    // Not a number the hidden line can carry: no revision shown at all.
    for (const number of [0, -1, 1.5, Number.NaN, 1e10]) {
      expect(presentPlanComment(plan, findings, { revision: { number } })).not.toMatch(/revision/i);
    }
    // The job summary has no marker, so no hidden line either.
    expect(presentJobSummary(plan, findings, { revision })).not.toContain('<!--');
  });

  it('places the changes under the overview, before the notes, graph and phases', () => {
    const text = presentPlanComment(plan, findings, { revision, summary: 'Done.' });
    const at = text.indexOf(changes);
    expect(at).toBeGreaterThan(text.indexOf('> Done.'));
    expect(at).toBeLessThan(text.indexOf('### Planning notes'));
    expect(at).toBeLessThan(text.indexOf('```mermaid'));
  });

  it('drops the changes before the task tables when the budget is tight, and never exceeds it', () => {
    const full = presentPlanComment(plan, findings, { revision, fileUrl });
    expect(full).toContain('```mermaid');
    const noGraph = presentPlanComment(plan, findings, { revision, fileUrl, budget: full.length - 1 });
    expect(noGraph).not.toContain('```mermaid');
    expect(noGraph).toContain(changes);
    const noChanges = presentPlanComment(plan, findings, { revision, fileUrl, budget: noGraph.length - 1 });
    expect(noChanges).not.toContain('Changes since revision 1');
    expect(noChanges).toContain('Shortened to fit the comment size limit');
    expect(noChanges).toContain('| P1-T1 |');
    expect(noChanges).toContain('<!-- wild-plan:revision 2 -->');
    expect(noChanges).toContain('**Revision 2**');
    for (const budget of [full.length, noGraph.length - 1, noChanges.length - 1, 1_500, 300, 40]) {
      const text = presentPlanComment(plan, findings, { revision, fileUrl, budget });
      expect(text.length, String(budget)).toBeLessThanOrEqual(budget);
      expectWellFormed(text);
    }
  });

  it('keeps the changes block from opening an HTML comment', () => {
    const text = presentPlanComment(plan, findings, { revision: { number: 2, changes: 'x <!-- wild-plan:plan-comment -->' } });
    expect(text.split('<!--')).toHaveLength(3);
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
