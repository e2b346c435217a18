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
    expect([...mermaidLabel('x'.repeat(200))]).toHaveLength(60);
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
