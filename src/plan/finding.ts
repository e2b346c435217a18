// The shape of one finding, and how a task is named in one, for every rule of the checker.
import type { Finding, Task } from './types.js';

export function finding(rule: string, severity: Finding['severity'], line: number | null, message: string): Finding {
  return { rule, severity, line, message };
}

/** A task by its id, or by its line when it has none. */
export function label(task: Task): string {
  return task.id ?? `The task on line ${task.line}`;
}
