// Small text rules the plan comment and its mermaid graph share: cutting at a word, and
// saying a task's dependencies once (the graph draws them as arrows, the table names them
// where the task text does not already).
import { cutUnits } from '../text/truncate.js';
import { dependencyMentions } from './markdown.js';
import type { Phase, Task } from './types.js';

/**
 * At most `max` UTF-16 units of `text`, ending at a space before the cut with `…` after it, so
 * no word is shown half. Only a first word longer than the room is cut inside (there is no
 * space to end at).
 */
export function cutAtWord(text: string, max: number, ellipsis = '…'): string {
  const limit = Math.max(0, Math.floor(max));
  if (text.length <= limit) return text;
  if (ellipsis.length >= limit) return cutUnits(text, limit);
  const kept = cutUnits(text, limit - ellipsis.length);
  const lastSpace = /\s/.test(text.charAt(kept.length)) ? kept.length : kept.search(/\s\S*$/);
  // A comma or colon right before the ellipsis reads as a typo: it goes with the cut.
  const words = lastSpace > 0 ? kept.slice(0, lastSpace).replace(/[\s,;:]+$/, '') : '';
  return `${words === '' ? kept : words}${ellipsis}`;
}

// A parenthesis that holds nothing but a dependency mention: `(depends on P1-T2)`, `(after P1-T1 and P1-T3)`.
const PARENTHESIS = /\s*\(([^()]*)\)/g;
const MENTION_WORDS =
  /\b(?:depends?\s+on|depends|dependenc(?:y|ies)|deps?|after|requires?|needs|blocked\s+by|and|or)\b|\bP\d{1,6}-T\d{1,6}\b/gi;

/**
 * `text` without the parentheses that only say which tasks it depends on, when every id they
 * name is among `dependencies`: the graph draws those as arrows, and the label has little room.
 */
export function withoutDependencyNotes(text: string, dependencies: readonly string[]): string {
  return text
    .replace(PARENTHESIS, (whole, inner: string) => {
      const ids = dependencyMentions(inner);
      const rest = inner.replace(MENTION_WORDS, '').replace(/[\s,;:&/[\]`*]/g, '');
      return ids.length > 0 && rest === '' && ids.every((id) => dependencies.includes(id)) ? '' : whole;
    })
    .trim();
}

/**
 * The task's description as the table shows it: as written, then `(depends on …)` naming the
 * dependencies the row does not already mention (a `deps:` field, a nested bullet), so a task
 * that says "depends on P1-T2" is not told so twice.
 */
export function taskText(task: Task): string {
  const mentioned = new Set([task.description, task.deliverable ?? '', task.doneWhen ?? ''].flatMap(dependencyMentions));
  const rest = task.dependencies.filter((id) => !mentioned.has(id));
  return rest.length > 0 ? `${task.description} (depends on ${rest.join(', ')})`.trim() : task.description;
}

/** Phases by number, in document order among equals (a duplicated heading stays where it was). */
export function phasesInOrder(phases: readonly Phase[]): Phase[] {
  return [...phases].sort((a, b) => a.number - b.number);
}
