// The checker's dependency rules: every task a task depends on exists, and no dependencies
// go round in a cycle (strongly connected components, Tarjan's algorithm, without recursion).
import { finding, label } from './finding.js';
import type { Finding, Task } from './types.js';

export function checkDependencies(tasks: Task[]): Finding[] {
  const out: Finding[] = [];
  const byId = new Map<string, Task>();
  for (const task of tasks) if (task.id && !byId.has(task.id)) byId.set(task.id, task);
  const edges = new Map<string, string[]>();
  for (const task of tasks) {
    const unknown = task.dependencies.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      out.push(
        finding(
          'dependency-unknown',
          'error',
          task.line,
          `${label(task)} depends on ${unknown.join(', ')}, which no task in the plan has; fix the id or drop the dependency.`,
        ),
      );
    }
    if (task.id && byId.get(task.id) === task)
      edges.set(
        task.id,
        task.dependencies.filter((id) => byId.has(id)),
      );
  }
  for (const component of stronglyConnected([...edges.keys()], edges)) {
    const self = component.length === 1 && edges.get(component[0]!)!.includes(component[0]!);
    if (component.length < 2 && !self) continue;
    const members = component.map((id) => byId.get(id)!).sort((a, b) => a.line - b.line);
    const shown =
      members
        .slice(0, 10)
        .map((t) => t.id)
        .join(', ') + (members.length > 10 ? `, … (${members.length} tasks)` : '');
    const message = self
      ? `${component[0]} depends on itself; remove that dependency.`
      : `Tasks ${shown} depend on each other in a cycle, so none of them can start; remove one of the dependencies.`;
    out.push(finding('dependency-cycle', 'error', members[0]!.line, message));
  }
  return out;
}

/** Tarjan's strongly connected components, iterative so a 10,000-task chain cannot overflow the stack. Linear. */
function stronglyConnected(nodes: string[], edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
  };
  for (const root of nodes) {
    if (index.has(root)) continue;
    visit(root);
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const successors = edges.get(frame.node) ?? [];
      if (frame.next < successors.length) {
        const next = successors[frame.next++]!;
        if (!index.has(next)) {
          visit(next);
          work.push({ node: next, next: 0 });
        } else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      components.push(component);
    }
  }
  return components;
}
