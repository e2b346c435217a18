// A mermaid flowchart of a plan: one subgraph per phase in phase order, chained Phase 1 →
// Phase 2 → …, one node per task, an arrow from each prerequisite to the task that needs it.
// GitHub renders ```mermaid blocks in comments.
import { cutAtWord, phasesInOrder, withoutDependencyNotes } from './present-text.js';
import type { Plan, Task } from './types.js';

// Mermaid refuses graphs past 500 edges (its maxEdges default) and large task graphs are
// unreadable anyway: past these sizes only the phases are drawn.
const MAX_TASK_NODES = 100;
const MAX_EDGES = 400;
const MAX_PHASE_NODES = 60;
const MAX_LABEL = 60;

// Characters that are safe inside a quoted mermaid label; everything else becomes an
// entity code (`#35;`), which mermaid decodes. That covers quotes, brackets, pipes,
// backticks (which would start a markdown string), `<`, `#`, `%` (comments) and `;`.
const SAFE = /[\p{L}\p{N} .,:_\-/'!?+=*@~^$…]/u;

/**
 * A quoted label body: one line, at most `max` units cut at a word (a half word reads as a
 * different word), nothing mermaid could read as syntax.
 */
export function mermaidLabel(text: string, max = MAX_LABEL): string {
  const cut = cutAtWord(text.replace(/\s+/g, ' ').trim(), max);
  return [...cut].map((ch) => (SAFE.test(ch) ? ch : `#${ch.codePointAt(0)};`)).join('');
}

/** Unique node ids made of letters, digits and `_` (and never a keyword such as `end`). */
function idMaker(): (raw: string) => string {
  const used = new Map<string, number>();
  return (raw) => {
    const base = `n_${raw.replace(/[^A-Za-z0-9]/g, '_')}`;
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return n === 0 ? base : `${base}_${n + 1}`;
  };
}

function stateClass(task: Task): string {
  return task.state === 'done' ? ':::done' : task.state === 'in-progress' ? ':::progress' : '';
}

/** The flowchart source (without the ``` fence), or null when there is nothing worth drawing. */
export function planFlowchart(plan: Plan): string | null {
  const groups = [
    ...phasesInOrder(plan.phases).map((p) => ({ title: `Phase ${p.number}${p.title ? `: ${p.title}` : ''}`, tasks: p.tasks })),
    ...(plan.strayTasks.length > 0 ? [{ title: 'Outside any phase', tasks: plan.strayTasks }] : []),
  ];
  const taskCount = groups.reduce((n, g) => n + g.tasks.length, 0);
  const edgeCount = groups.reduce((n, g) => n + g.tasks.reduce((m, t) => m + t.dependencies.length, 0), 0);
  if (groups.length === 0) return null;
  const nodeId = idMaker();
  const lines = ['flowchart TD'];
  // Counted with the phase chain's edges; past MAX_PHASE_NODES phases even the boxes go.
  if (taskCount > MAX_TASK_NODES || edgeCount + groups.length > MAX_EDGES || groups.length > MAX_PHASE_NODES) {
    if (groups.length > MAX_PHASE_NODES) return null;
    const ids = groups.map((g, i) => {
      const id = nodeId(`phase${i}`);
      lines.push(`  ${id}["${mermaidLabel(`${g.title} (${g.tasks.length} tasks)`)}"]`);
      return id;
    });
    for (let i = 1; i < Math.min(ids.length, plan.phases.length); i++) lines.push(`  ${ids[i - 1]} --> ${ids[i]}`);
    return lines.join('\n');
  }
  // A fresh plan has nothing to colour; the styles come only with a task done or under way.
  if (groups.some((g) => g.tasks.some((t) => t.state !== 'todo'))) {
    lines.push('  classDef done fill:#dafbe1,stroke:#1a7f37', '  classDef progress fill:#fff8c5,stroke:#9a6700');
  }
  const byTaskId = new Map<string, string>();
  const nodes = new Map<Task, string>();
  // A note naming a task the graph lacks stays in the label: no arrow would show it.
  const drawn = new Set(groups.flatMap((g) => g.tasks.map((t) => t.id)));
  const phaseIds: string[] = [];
  groups.forEach((group, i) => {
    const phaseId = nodeId(`phase${i}`);
    // The stray tasks are in no phase, so they stay out of the chain.
    if (i < plan.phases.length) phaseIds.push(phaseId);
    lines.push(`  subgraph ${phaseId}["${mermaidLabel(group.title)}"]`);
    for (const task of group.tasks) {
      const id = nodeId(task.id ?? `line${task.line}`);
      nodes.set(task, id);
      if (task.id && !byTaskId.has(task.id)) byTaskId.set(task.id, id);
      const description = withoutDependencyNotes(
        task.description,
        task.dependencies.filter((d) => drawn.has(d)),
      );
      lines.push(`    ${id}["${mermaidLabel(task.id ? `${task.id}: ${description}` : description)}"]${stateClass(task)}`);
    }
    lines.push('  end');
  });
  // The phase chain: the order the plan is worked in, drawn between the phase boxes.
  for (let i = 1; i < phaseIds.length; i++) lines.push(`  ${phaseIds[i - 1]} --> ${phaseIds[i]}`);
  for (const [task, id] of nodes) {
    for (const dep of task.dependencies) {
      const from = byTaskId.get(dep);
      if (from) lines.push(`  ${from} --> ${id}`);
    }
  }
  return lines.join('\n');
}
