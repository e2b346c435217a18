// The research loop seen from the reviewed plan: the goal that hands the plan to the server (it
// has no other way to receive one: it always runs its own planning iteration first), the
// progress the loop made on its tasks.md, and how far it drifted from the approved revision.
// Pure: text in, values out.
import { parsePlan } from './parse.js';
import { diffRevisions, type PlanChanges } from './revisions.js';
import type { Plan, Task } from './types.js';

export interface LoopGoalInput {
  /** The goal, as planned. */
  goal: string;
  /** The approved plan's tasks.md, verbatim. */
  tasks: string;
  /** Where it was reviewed, for the agent's context: "octo-org/octo-repo#12, revision 3". */
  reviewed: string;
}

/**
 * The goal /wild/v2/start gets. The engine renders its planning prompt with this goal, so the
 * instruction to adopt the reviewed tasks (ids and all) reaches iteration 0 — a steer sent after
 * start would reach iteration 1 at the earliest.
 */
export function loopGoal(input: LoopGoalInput): string {
  const fence = fenceFor(input.tasks);
  return [
    input.goal.trim(),
    '',
    '## Reviewed plan (adopt it)',
    '',
    `This goal was planned and the plan reviewed and approved by the team on GitHub (${input.reviewed}).`,
    'In the planning iteration, do not write a plan of your own: write the tasks.md below to the tasks file verbatim,',
    'keeping every phase, task id, deliverable and done-when condition, and output it as your <plan>. Execution',
    'iterations then follow it; add follow-up tasks or phases only at its reflection gates, as the plan says.',
    '',
    `${fence}markdown`,
    input.tasks.trimEnd(),
    fence,
  ].join('\n');
}

export interface Progress {
  done: number;
  inProgress: number;
  open: number;
  total: number;
}

export function progressOf(plan: Plan): Progress {
  const tasks = allTasks(plan);
  const done = tasks.filter((t) => t.state === 'done').length;
  const inProgress = tasks.filter((t) => t.state === 'in-progress').length;
  return { done, inProgress, open: tasks.length - done - inProgress, total: tasks.length };
}

export interface Drift {
  /** What the loop's tasks.md changed from the approved revision (task states aside). */
  changes: PlanChanges;
  /** Every approved task is in the loop's plan with the same text: iteration 0 adopted the reviewed plan. */
  adopted: boolean;
}

/** The loop's plan against the approved one. Checking a box is progress, not drift: states are compared apart. */
export function driftFrom(approvedTasks: string, loopTasks: string): Drift {
  const approved = parsePlan(approvedTasks);
  const loop = parsePlan(loopTasks);
  const changes = diffRevisions({ plan: approved, findings: [] }, { plan: loop, findings: [] });
  const loopIds = new Set(allTasks(loop).map((t) => t.id));
  const adopted =
    allTasks(approved).every((t) => t.id !== null && loopIds.has(t.id)) &&
    !changes.tasksChanged.some((c) => c.id !== null) &&
    changes.tasksRemoved.length === 0;
  return { changes, adopted };
}

/** The last entry of the engine's iteration log (its `## Iteration N` sections), as plain text; null when there is none. */
export function lastIteration(log: string): { heading: string; text: string } | null {
  const sections = log.replace(/\r\n?/g, '\n').split(/\n(?=#{2,3} )/);
  for (const section of sections.reverse()) {
    const heading = /^#{2,3} (.+)/.exec(section)?.[1]?.trim();
    if (!heading || !/iteration/i.test(heading)) continue;
    const body = section.split('\n').slice(1).join('\n');
    // The engine's entries list fields (duration, promise, files); its summary is what a reader wants.
    const summary = /^\s*[-*]?\s*\**summary\**:\s*(.+)$/im.exec(body)?.[1];
    return { heading, text: (summary ?? body).trim() };
  }
  return null;
}

/** A backtick fence longer than any run inside `text`, so the plan cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function allTasks(plan: Plan): Task[] {
  return [...plan.phases.flatMap((p) => p.tasks), ...plan.strayTasks];
}
