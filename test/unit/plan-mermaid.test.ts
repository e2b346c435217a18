import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePlanMarkdown } from '../../bench/plan-size.js';
import { mermaidLabel, planFlowchart } from '../../src/plan/mermaid.js';
import { parsePlan } from '../../src/plan/parse.js';

// What may appear inside a quoted label: plain characters and mermaid entity codes.
const LABEL = /^(?:[\p{L}\p{N} .,:_\-/'!?+=*@~^$…]|#\d+;)*$/u;

describe('mermaidLabel', () => {
  it('encodes quotes, brackets, pipes, backticks, angle brackets, # and %', () => {
    expect(mermaidLabel('say "hi" [a|b] `c` <d> #1 50%;')).toBe('say #34;hi#34; #91;a#124;b#93; #96;c#96; #60;d#62; #35;1 50#37;#59;');
  });

  it('puts newlines on one line and shortens long text', () => {
    expect(mermaidLabel('a\nb\r\n\tc')).toBe('a b c');
    // One word longer than the room has nowhere else to end.
    expect([...mermaidLabel('x'.repeat(200))]).toHaveLength(60);
  });

  it('cuts a long label at a word, never inside one', () => {
    expect(mermaidLabel('alpha beta gamma delta', 14)).toBe('alpha beta…');
    expect(mermaidLabel('alpha beta gamma delta', 17)).toBe('alpha beta gamma…');
    expect(mermaidLabel('Final reflection: inspect comparison.csv, ablation.md', 43)).toBe('Final reflection: inspect comparison.csv…');
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 2, max: 80 }),
        (list, max) => {
          const text = list.join(' ');
          const label = mermaidLabel(text, max);
          expect(label.length).toBeLessThanOrEqual(max);
          if (label === text) return;
          expect(label.endsWith('…')).toBe(true);
          const kept = label.slice(0, -1);
          // Whole words of the text, or part of the first word when that alone is longer than the room.
          if (`${text} `.startsWith(`${kept} `)) return;
          expect(kept.includes(' ')).toBe(false);
          expect(list[0]!.length).toBeGreaterThan(max - 1);
        },
      ),
    );
  });

  it('never lets a character through that mermaid could read as syntax', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const label = mermaidLabel(text);
        expect(label).toMatch(LABEL);
        expect(label).not.toMatch(/["[\]|`<>\n]/);
      }),
    );
  });
});

describe('planFlowchart', () => {
  it('gives every task a node id of letters, digits and _ only, unique even when ids repeat or are missing', () => {
    const plan = parsePlan(
      '## Phase 1 - A\n- [ ] [P1-T1] first\n- [ ] [P1-T1] again\n- [ ] no id | deliverable: x\n- [ ] [P1-T2] last | after P1-T1\n',
    );
    const chart = planFlowchart(plan)!;
    const ids = [...chart.matchAll(/^\s+(?:subgraph )?(\S+)\["/gm)].map((m) => m[1]!);
    expect(ids).toEqual(['n_phase0', 'n_P1_T1', 'n_P1_T1_2', 'n_line4', 'n_P1_T2']);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
    expect(chart).toContain('n_P1_T1 --> n_P1_T2');
  });

  it('draws the phases in order, chained Phase 1 → Phase 2 → …, and leaves stray tasks out of the chain', () => {
    const plan = parsePlan(
      '## Phase 3 - C\n- [ ] [P3-T1] c\n\n## Phase 1 - A\n- [ ] [P1-T1] a\n\n## Phase 2 - B\n- [ ] [P2-T1] b\n\n## Other\n- [ ] [P9-T1] stray\n',
    );
    const chart = planFlowchart(plan)!;
    const subgraphs = [...chart.matchAll(/subgraph (\S+)\["([^"]*)"\]/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(subgraphs).toEqual(['n_phase0 Phase 1: A', 'n_phase1 Phase 2: B', 'n_phase2 Phase 3: C', 'n_phase3 Outside any phase']);
    expect(chart).toContain('  n_phase0 --> n_phase1\n  n_phase1 --> n_phase2');
    expect(chart).not.toContain('--> n_phase3');
  });

  it('leaves dependency notes out of the labels (the arrows show them), keeping other parentheses', () => {
    const plan = parsePlan(
      '## Phase 1 - A\n- [ ] [P1-T1] First (POST /runs per seed)\n- [ ] [P1-T2] Set up uv (depends on P1-T1) now\n- [ ] [P1-T3] Third (after P9-T9)\n',
    );
    const chart = planFlowchart(plan)!;
    expect(chart).toContain('n_P1_T1["P1-T1: First #40;POST /runs per seed#41;"]');
    expect(chart).toContain('n_P1_T2["P1-T2: Set up uv now"]');
    expect(chart).toContain('n_P1_T1 --> n_P1_T2');
    // P9-T9 is no task of the plan, so no arrow shows it: the label keeps saying so.
    expect(chart).toContain('n_P1_T3["P1-T3: Third #40;after P9-T9#41;"]');
  });

  it('defines the state styles only when some task is done or under way', () => {
    expect(planFlowchart(parsePlan('## Phase 1 - A\n- [ ] [P1-T1] a\n- [ ] [P1-T2] b\n'))).not.toContain('classDef');
    const started = planFlowchart(parsePlan('## Phase 1 - A\n- [x] [P1-T1] a\n- [/] [P1-T2] b\n'))!;
    expect(started).toContain('classDef done');
    expect(started).toContain('n_P1_T1["P1-T1: a"]:::done');
    expect(started).toContain('n_P1_T2["P1-T2: b"]:::progress');
  });

  it('draws only the phases when there are too many tasks for a readable graph', () => {
    const chart = planFlowchart(parsePlan(generatePlanMarkdown(200)))!;
    expect(chart).not.toContain('subgraph');
    expect(chart).toContain('n_phase0["Phase 1: Experiment block 1 #40;5 tasks#41;"]');
    expect(chart).toContain('n_phase0 --> n_phase1');
  });

  it('draws nothing when even the phases are too many', () => {
    expect(planFlowchart(parsePlan(generatePlanMarkdown(1_000)))).toBeNull();
    expect(planFlowchart(parsePlan('no plan'))).toBeNull();
  });
});
