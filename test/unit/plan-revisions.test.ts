import { readFileSync } from 'node:fs';
import type { Nodes } from 'mdast';
import { describe, expect, it } from 'vitest';
import { hasMention } from '../../src/security/mentions.js';
import { checkPlan } from '../../src/plan/check.js';
import { parsePlan } from '../../src/plan/parse.js';
import {
  diffRevisions,
  latestRevision,
  nextRevision,
  renderChanges,
  renderWordDiff,
  revisionOf,
  withRevisionTrailer,
  type Revision,
} from '../../src/plan/revisions.js';
import { wordDiff } from '../../src/plan/word-diff.js';
import { parseMarkdown } from '../../src/text/mdast.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/plans/${name}`, import.meta.url), 'utf8');
const revision = (text: string): Revision => {
  const plan = parsePlan(text);
  return { plan, findings: checkPlan(plan) };
};

const BASE = fixture('valid.md');
const base = revision(BASE);

/** Every node type the rendered Markdown produces (to prove no raw HTML slipped in). */
function nodeTypes(markdown: string): Set<string> {
  const types = new Set<string>();
  const walk = (node: Nodes): void => {
    types.add(node.type);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(parseMarkdown(markdown));
  return types;
}

describe('diffRevisions', () => {
  it('reports nothing when the plan is the same', () => {
    const changes = diffRevisions(base, revision(BASE));
    expect(changes).toEqual({
      tasksAdded: [],
      tasksRemoved: [],
      tasksChanged: [],
      phasesAdded: [],
      phasesRemoved: [],
      phasesRenamed: [],
      findingsFixed: [],
      findingsNew: [],
    });
    expect(renderChanges(changes, { sinceRevision: 2 })).toBe('**Changes since revision 2:** No changes to the tasks.');
  });

  it('finds tasks added, removed and changed by id, whatever moved around them', () => {
    const edited = BASE.replace(
      '- [ ] [P4-T3] Statistical checks: paired bootstrap over seeds for ECE and accuracy differences | deliverable: exp/analysis/stats.csv | done-when: stats.csv reports mean difference, 95% CI and p-value per comparison | depends on P3-T2\n',
      '',
    )
      .replace('3 seeds through a sweep', '5 seeds through a sweep')
      .replace('deliverable: exp/design.md', 'deliverable: exp/design/README.md')
      .replace(
        '## Phase 5 - Reflection and Replan',
        '## Phase 5 - Reflection and Replan\n- [ ] [P5-T4] Check the seed variance of ECE | deliverable: exp/analysis/variance.md | done-when: the variance table exists',
      );
    const changes = diffRevisions(base, revision(edited));

    expect(changes.tasksAdded).toEqual([{ id: 'P5-T4', description: 'Check the seed variance of ECE' }]);
    expect(changes.tasksRemoved.map((t) => t.id)).toEqual(['P4-T3']);
    expect(changes.tasksChanged.map((t) => [t.id, t.fields.map((f) => f.field)])).toEqual([
      ['P2-T1', ['deliverable']],
      ['P2-T2', ['description']],
    ]);
    expect(changes.tasksChanged[1]!.fields[0]).toMatchObject({
      before: expect.stringContaining('3 seeds'),
      after: expect.stringContaining('5 seeds'),
    });
  });

  it('ignores whitespace-only edits and line shifts', () => {
    const shifted = `\n\n${BASE.replace('for 3 seeds through', 'for 3   seeds\n  through')}`;
    const changes = diffRevisions(base, revision(shifted));
    expect(changes.tasksChanged).toEqual([]);
    expect(changes.findingsFixed).toEqual([]);
    expect(changes.findingsNew).toEqual([]);
  });

  it('reports phases added, removed and renamed by number', () => {
    const after = revision(
      BASE.replace('## Phase 2 - Experiment Design and Baselines', '## Phase 2 - Design and Baselines').replace(
        '## Shared Metrics',
        '## Phase 6 - Follow-ups\n- [ ] [P6-T1] Extra runs | deliverable: exp/extra.csv | done-when: done\n\n## Shared Metrics',
      ),
    );
    const changes = diffRevisions(base, after);
    expect(changes.phasesAdded).toEqual([{ number: 6, title: 'Follow-ups' }]);
    expect(changes.phasesRenamed).toEqual([{ number: 2, before: 'Experiment Design and Baselines', after: 'Design and Baselines' }]);
    expect(diffRevisions(after, base).phasesRemoved).toEqual([{ number: 6, title: 'Follow-ups' }]);
  });

  it('reports findings fixed and new by rule and message, not by line', () => {
    // The ablation task goes (a new error); a second copy of P2-T3 is added (a new error whose message names a line).
    const brokenText = BASE.replace('Ablation and sensitivity analysis: label-smoothing strength', 'Study of label-smoothing strength')
      .replace('exp/analysis/ablation.md', 'exp/analysis/strength.md')
      .replace('## Phase 3', '- [ ] [P2-T3] Duplicate | deliverable: x.md | done-when: y\n\n## Phase 3');
    const broken = revision(brokenText);
    const worse = diffRevisions(base, broken);
    expect(worse.findingsNew.map((f) => f.rule).sort()).toEqual(['ablation-task', 'task-id-duplicate']);
    expect(worse.findingsFixed).toEqual([]);

    // The same broken plan with everything shifted down four lines: the same findings, nothing new or fixed.
    const shifted = revision(`# Title\n\nSome prose.\n\n${brokenText}`);
    const line = (r: Revision): number | null => r.findings.find((f) => f.rule === 'task-id-duplicate')!.line;
    expect(line(shifted)).toBe(line(broken)! + 4);
    const same = diffRevisions(broken, shifted);
    expect(same.findingsNew).toEqual([]);
    expect(same.findingsFixed).toEqual([]);

    const better = diffRevisions(broken, base);
    expect(better.findingsFixed.map((f) => f.rule).sort()).toEqual(['ablation-task', 'task-id-duplicate']);
  });

  it('takes findings from the caller, so its limits decide', () => {
    const plan = parsePlan(BASE);
    const strict = checkPlan(plan, {
      phases: { min: 6, max: 6 },
      tasksPerPhase: { min: 2, max: 6 },
      totalTasks: { min: 10, max: 25 },
      exampleRepeatsPhases: false,
    });
    const changes = diffRevisions({ plan, findings: strict }, { plan, findings: checkPlan(plan) });
    expect(changes.findingsFixed.map((f) => f.rule)).toEqual(['phase-count']);
  });
});

describe('wordDiff and renderWordDiff', () => {
  it('marks removed and added words and keeps the rest', () => {
    expect(wordDiff('train the model for 3 seeds', 'train the model for 5 seeds quickly')).toEqual([
      { kind: 'same', text: 'train the model for' },
      { kind: 'removed', text: '3' },
      { kind: 'added', text: '5' },
      { kind: 'same', text: 'seeds' },
      { kind: 'added', text: 'quickly' },
    ]);
    expect(renderWordDiff('train the model for 3 seeds', 'train the model for 5 seeds')).toBe('train the model for ~~3~~ **5** seeds');
  });

  it('elides long unchanged stretches around a change', () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`);
    const after = [...words.slice(0, 15), 'NEW', ...words.slice(15)].join(' ');
    expect(renderWordDiff(words.join(' '), after)).toBe('… w11 w12 w13 w14 **NEW** w15 w16 w17 w18 …');
  });

  it('caps the length without leaving a mark open', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const out = renderWordDiff('short', long, 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.endsWith('…')).toBe(true);
    expect(out.split('**').length % 2).toBe(1);
    expect(out.split('~~').length % 2).toBe(1);
  });

  it('renders hostile words literally: no HTML, no code span, no mention', () => {
    const out = renderWordDiff('ping nobody', 'ping @octo-org/owners </details> `code` **bold** | cell');
    expect(hasMention(out)).toBe(false);
    expect(out).not.toContain('</details>');
    const types = nodeTypes(out);
    expect(types.has('html')).toBe(false);
    expect(types.has('inlineCode')).toBe(false);
    expect(types.has('strong')).toBe(true);
  });
});

describe('renderChanges', () => {
  const edited = BASE.replace('3 seeds through a sweep', '5 seeds through a sweep').replace(
    '## Phase 5 - Reflection and Replan',
    '## Phase 5 - Reflection and Replan\n- [ ] [P5-T4] Check the seed variance | deliverable: exp/v.md | done-when: done',
  );

  it('lists a few changes openly with a summary line', () => {
    const text = renderChanges(diffRevisions(base, revision(edited)), { sinceRevision: 1 });
    expect(text).toBe(
      [
        '**Changes since revision 1:** 1 task added, 1 changed',
        '',
        '- ➕ Added **P5-T4**: Check the seed variance',
        '- ✏️ Changed **P2-T2**: description: … the cross-entropy baseline for ~~3~~ **5** seeds through a sweep …',
      ].join('\n'),
    );
  });

  it('folds a long list into <details> and stays within the budget', () => {
    const renumbered = BASE.replace(/\[P(\d)-T(\d)\]/g, (_m, p: string, t: string) => `[P${p}-T${Number(t) + 5}]`);
    const changes = diffRevisions(base, revision(renumbered));
    const text = renderChanges(changes, { sinceRevision: 3, budget: 1_500 });
    expect(text.startsWith('<details>\n<summary><b>Changes since revision 3:</b> 14 tasks added, 14 removed')).toBe(true);
    expect(text.endsWith('</details>')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(1_500);
    expect(text).toMatch(/^- … and \d+ more$/m);
    expect(text.split('<details>').length).toBe(text.split('</details>').length);
  });

  it('shows finding changes even when no task changed', () => {
    const plan = parsePlan(BASE);
    const before = { plan, findings: [{ rule: 'grounding-file', severity: 'warning' as const, line: 9, message: 'P1-T1 reads `x.py`' }] };
    const text = renderChanges(diffRevisions(before, { plan, findings: [] }), { sinceRevision: 4 });
    expect(text).toBe(
      [
        '**Changes since revision 4:** No changes to the tasks; 1 finding fixed',
        '',
        '- ✅ Fixed `grounding-file`: P1-T1 reads `x.py`',
      ].join('\n'),
    );
  });

  it('cannot be broken or used to ping by a hostile task text', () => {
    const hostile = BASE.replace(
      '## Phase 5 - Reflection and Replan',
      '## Phase 5 - Reflection and Replan\n- [ ] [P5-T4] @admin please </details><!-- x --> <img src=x> | deliverable: exp/v.md | done-when: done',
    ).replace('3 seeds through a sweep', '3 seeds @everyone </summary> through a sweep');
    const text = renderChanges(diffRevisions(base, revision(hostile)), { sinceRevision: 1, openLines: 0 });
    expect(hasMention(text)).toBe(false);
    expect(text.split('<details>').length).toBe(2);
    expect(text.split('</details>').length).toBe(2);
    expect(text).not.toMatch(/<img|<!--|<\/summary> through/);
  });
});

describe('revision numbers from the branch', () => {
  it('reads the trailer from the trailer block only', () => {
    expect(revisionOf('Plan for #7\n\nRe-planned after review.\n\nWild-Plan-Revision: 3')).toBe(3);
    expect(revisionOf('Plan for #7\n\nSigned-off-by: a <a@b>\nwild-plan-revision: 12\n')).toBe(12);
    expect(revisionOf('Plan for #7\n\nWild-Plan-Revision: 3 is what I would call it.\n\nMore text.')).toBeNull();
    expect(revisionOf('Wild-Plan-Revision: 3')).toBeNull();
    expect(revisionOf('Plan for #7')).toBeNull();
  });

  it('counts from the highest revision on the branch, in any order', () => {
    const log = ['Fix typo by hand', 'Plan for #7\n\nWild-Plan-Revision: 2', 'Plan for #7\n\nWild-Plan-Revision: 1'];
    expect(latestRevision(log)).toBe(2);
    expect(nextRevision(log)).toBe(3);
    expect(nextRevision([...log].reverse())).toBe(3);
    expect(nextRevision([])).toBe(1);
    expect(nextRevision(['Initial commit'])).toBe(1);
  });

  it('writes a trailer that reads back, replacing an old one', () => {
    const once = withRevisionTrailer('Plan for #7\n\nRe-planned after review.', 2);
    expect(once).toBe('Plan for #7\n\nRe-planned after review.\n\nWild-Plan-Revision: 2\n');
    expect(revisionOf(once)).toBe(2);
    const again = withRevisionTrailer(once, 3);
    expect(again).toBe('Plan for #7\n\nRe-planned after review.\n\nWild-Plan-Revision: 3\n');
    expect(withRevisionTrailer('Plan\n\nCo-authored-by: a <a@b>', 1)).toBe('Plan\n\nCo-authored-by: a <a@b>\nWild-Plan-Revision: 1\n');
    expect(revisionOf(withRevisionTrailer('Subject only', 5))).toBe(5);
  });
});
