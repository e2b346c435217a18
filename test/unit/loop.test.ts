// The research loop seen from the reviewed plan: the start goal carries every reviewed task,
// progress and drift are read from the loop's tasks.md, and what the server says (a hostile
// iteration summary, say) reaches the plan comment inert.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { approvalNote, approvalOf, chatSessionFor, loopSection } from '../../src/action/loop-words.js';
import { driftFrom, lastIteration, loopGoal, progressOf } from '../../src/plan/loop.js';
import { parsePlan } from '../../src/plan/parse.js';

const PLAN = readFileSync(new URL('../../demo-output/tasks.md', import.meta.url), 'utf8');

describe('loopGoal', () => {
  it('carries the goal, the instruction to adopt, and the tasks verbatim in a fence the tasks cannot close', () => {
    const tasks = `${PLAN}\n\`\`\`\`\nnot the end\n`;
    const goal = loopGoal({ goal: 'Does label smoothing help?', tasks, reviewed: 'o/r#2, revision 3' });
    expect(goal.startsWith('Does label smoothing help?\n\n## Reviewed plan (adopt it)')).toBe(true);
    expect(goal).toContain('(o/r#2, revision 3)');
    expect(goal).toContain(tasks.trimEnd());
    const fence = /\n(`{5,})markdown\n/.exec(goal)?.[1];
    expect(fence).toBe('`````');
    for (const task of parsePlan(PLAN).phases.flatMap((p) => p.tasks)) expect(goal).toContain(`[${task.id}]`);
  });
});

describe('progress and drift', () => {
  it('counts done, in progress and open tasks', () => {
    const loop = PLAN.replace('- [ ] [P1-T1]', '- [x] [P1-T1]').replace('- [ ] [P1-T2]', '- [/] [P1-T2]');
    const total = parsePlan(PLAN).phases.flatMap((p) => p.tasks).length;
    expect(progressOf(parsePlan(loop))).toEqual({ done: 1, inProgress: 1, open: total - 2, total });
  });

  it('a loop that adopted the plan and checked boxes has not drifted; one that rewrote a task or added one has', () => {
    const checked = PLAN.replace('- [ ] [P1-T1]', '- [x] [P1-T1]');
    expect(driftFrom(PLAN, checked)).toMatchObject({ adopted: true, changes: { tasksAdded: [], tasksRemoved: [], tasksChanged: [] } });
    const followUp = '- [ ] [P5-T9] Follow-up: rerun the worst seed | deliverable: x.md | done-when: rerun logged';
    const grown = checked.replace(/^(- \[ \] \[P5-T2\].*)$/m, `$1\n${followUp}`);
    expect(driftFrom(PLAN, grown).changes.tasksAdded.map((t) => t.id)).toEqual(['P5-T9']);
    expect(driftFrom(PLAN, grown).adopted).toBe(true);
    const rewritten = PLAN.replace(/\[P2-T1\][^|]*\|/, '[P2-T1] Something else entirely |');
    expect(driftFrom(PLAN, rewritten)).toMatchObject({ adopted: false, changes: { tasksChanged: [{ id: 'P2-T1' }] } });
  });

  it("reads the last iteration's summary from the engine's log", () => {
    const log = '# Iteration Log\n\n## Iteration 1\n- Summary: first\n\n## Iteration 2\n- Duration: 3s\n- Summary: Completed [P1-T1]\n';
    expect(lastIteration(log)).toEqual({ heading: 'Iteration 2', text: 'Completed [P1-T1]' });
    expect(lastIteration('# Iteration Log\n\nGoal: x')).toBeNull();
  });
});

describe('the loop section of the plan comment', () => {
  it('turns what the server says into inert text: no ping, no HTML, no table or code breakout', () => {
    const section = loopSection({
      session: { session_id: 'wild-1a2b3c4d`|', status: 'running', iteration: 2, max_iterations: 25 },
      lastIteration: { heading: 'Iteration 2', text: '@octo-org/everyone <img src=x onerror=alert(1)> done' },
      event: 'Steered by @alice.',
    });
    expect(section).not.toMatch(/(^|[^\u200d])@octo-org/);
    expect(section).not.toMatch(/(^|[^\u200d])@alice/);
    expect(section).not.toContain('<img');
    expect(section).toContain('session `wild-1a2b3c4d`');
    expect(section).toContain('`/wild-plan pause`');
  });

  it('says a draft waits for approval, an approval who and which revision, and a server without /plans once', () => {
    const draft = { id: 'ab12cd34', status: 'draft', sections: {} };
    expect(loopSection({ plan: draft })).toContain('a draft waiting for approval');
    const approved = { id: 'ab12cd34', status: 'approved', sections: { 'Review on GitHub': approvalNote(3, 'alice', 'o/r#2') } };
    expect(approvalOf(approved)).toEqual({ revision: 3, by: 'alice' });
    expect(loopSection({ plan: approved })).toMatch(/approved: revision 3 by @\u200d?alice/);
    expect(loopSection({ plansUnsupported: true })).toContain('keeps no plan records');
  });

  it('gives each issue a stable chat session id of its own', () => {
    const a = chatSessionFor({ owner: 'octo-org', repo: 'lab' }, 12);
    expect(a).toBe(chatSessionFor({ owner: 'octo-org', repo: 'lab' }, 12));
    expect(a).toMatch(/^wild-plan-octo-org-lab-12-[0-9a-f]{6}$/);
    expect(chatSessionFor({ owner: 'a-b', repo: 'c' }, 1)).not.toBe(chatSessionFor({ owner: 'a', repo: 'b-c' }, 1));
  });
});
