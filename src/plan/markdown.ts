// The tasks.md text format: the inline rules both the parser and the renderer use (so they
// stay inverse to each other), and renderPlanMarkdown, the canonical text of a Plan.
import { renderAbortChecklist } from './abort.js';
import type { ContractItem, NoteItem, Plan, Task } from './types.js';

export interface InlinePiece {
  code: boolean;
  text: string;
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * Splits inline markdown into code spans and the rest, the CommonMark way: a run of n
 * backticks opens a span closed by the next run of exactly n; an unmatched run is text;
 * a backslash-escaped backtick opens nothing. Linear: closing runs are looked up per length.
 */
export function inlinePieces(text: string): InlinePiece[] {
  const runs: Array<{ at: number; len: number }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1]!)) {
      i++;
    } else if (c === '`') {
      let j = i;
      while (text[j] === '`') j++;
      runs.push({ at: i, len: j - i });
      i = j - 1;
    }
  }
  const byLength = new Map<number, number[]>();
  runs.forEach((run, index) => {
    const list = byLength.get(run.len) ?? [];
    list.push(index);
    byLength.set(run.len, list);
  });
  const cursor = new Map<number, number>();
  const pieces: InlinePiece[] = [];
  let plainFrom = 0;
  let skipUntil = -1;
  runs.forEach((run, index) => {
    if (run.at < skipUntil) return;
    const list = byLength.get(run.len)!;
    let k = cursor.get(run.len) ?? 0;
    while (k < list.length && list[k]! <= index) k++;
    cursor.set(run.len, k);
    const close = list[k];
    if (close === undefined) return;
    const end = runs[close]!.at + run.len;
    if (run.at > plainFrom) pieces.push({ code: false, text: text.slice(plainFrom, run.at) });
    pieces.push({ code: true, text: text.slice(run.at, end) });
    plainFrom = end;
    skipUntil = end;
  });
  if (plainFrom < text.length) pieces.push({ code: false, text: text.slice(plainFrom) });
  return pieces;
}

/** Rewrites the text outside code spans (escape pairs kept whole), leaving code spans as they are. */
function mapPlain(text: string, unit: (u: string) => string): string {
  let out = '';
  for (const piece of inlinePieces(text)) {
    if (piece.code) {
      out += piece.text;
      continue;
    }
    const t = piece.text;
    for (let i = 0; i < t.length; i++) {
      const escaped = t[i] === '\\' && i + 1 < t.length && ASCII_PUNCTUATION.test(t[i + 1]!);
      out += unit(escaped ? t.slice(i, ++i + 1) : t[i]!);
    }
  }
  return out;
}

/** `a | deliverable: b` → ['a', 'deliverable: b']; `\|` and pipes inside code spans do not split. */
export function splitFields(raw: string): string[] {
  const segments: string[] = [];
  let current = '';
  mapPlain(raw, (u) => {
    if (u === '|') {
      segments.push(current.trim());
      current = '';
    } else current += u === '\\|' ? '|' : u;
    return '';
  });
  // mapPlain drops code spans into its own output only, so walk the pieces once more in order.
  return segments.length === 0 && !raw.includes('`') ? [current.trim()] : splitWithCode(raw);
}

function splitWithCode(raw: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (const piece of inlinePieces(raw)) {
    if (piece.code) {
      current += piece.text;
      continue;
    }
    mapPlain(piece.text, (u) => {
      if (u === '|') {
        segments.push(current.trim());
        current = '';
      } else current += u === '\\|' ? '|' : u;
      return '';
    });
  }
  segments.push(current.trim());
  return segments;
}

/** The inverse of splitFields for one field: pipes outside code spans become `\|`. */
export function escapeFieldPipes(text: string): string {
  return mapPlain(text, (u) => (u === '|' ? '\\|' : u));
}

/** Joins a paragraph's source lines (and their blockquote/indent prefixes) into one line. */
export function normalizeInline(raw: string): string {
  return raw.replace(/[ \t]*\r?\n[ \t>]*/g, ' ').trim();
}

/** Keeps inline markdown rendering but stops raw HTML (`</details>`, comments, the sticky marker). */
export function escapeHtml(text: string): string {
  return mapPlain(normalizeInline(text), (u) => (u === '<' ? '&lt;' : u));
}

/**
 * A GFM table cell: one line, HTML neutralised, every pipe escaped. Backslashes right before
 * a pipe are doubled first so `a\|` stays text instead of ending the cell.
 */
export function escapeTableCell(text: string): string {
  return escapeHtml(text).replace(/(\\*)\|/g, (_m, slashes: string) => `${slashes}${slashes}\\|`);
}

function renderDetails(details: string[]): string[] {
  return details.map((d) => `  - ${d}`);
}

function renderItem(item: NoteItem | ContractItem): string[] {
  return [`- ${item.text}`.trimEnd(), ...renderDetails(item.details)];
}

export function renderTaskLine(task: Task, mentioned: ReadonlySet<string>): string {
  const box = !task.checkbox ? '' : task.state === 'done' ? '[x] ' : task.state === 'in-progress' ? '[/] ' : '[ ] ';
  const segments = [escapeFieldPipes(task.description)];
  if (task.deliverable !== null) segments.push(`deliverable: ${escapeFieldPipes(task.deliverable)}`.trimEnd());
  if (task.doneWhen !== null) segments.push(`done-when: ${escapeFieldPipes(task.doneWhen)}`.trimEnd());
  const unmentioned = task.dependencies.filter((id) => !mentioned.has(id));
  if (unmentioned.length > 0) segments.push(`deps: ${unmentioned.join(', ')}`);
  const id = task.id === null ? '' : `[${task.id}] `;
  return `- ${box}${id}${segments.join(' | ')}`.trimEnd();
}

/**
 * The canonical tasks.md: Planning Notes, phases in ascending order, tasks outside phases,
 * then the analytics contract (the order the seed prompt's garbled example intends).
 * `mentionedDependencies` lets the renderer skip a `deps:` field for ids the text already names.
 */
export function renderPlanMarkdown(
  plan: Plan,
  mentionedDependencies: (task: Task) => ReadonlySet<string> = () => new Set(),
): string {
  if (plan.abort) return renderAbortChecklist(plan.abortReasons);
  const lines: string[] = [];
  const block = (heading: string, body: string[]): void => {
    if (lines.length > 0) lines.push('');
    lines.push(heading, '', ...body);
    if (body.length === 0) lines.pop();
  };
  const tasks = (list: Task[]): string[] =>
    list.flatMap((t) => [renderTaskLine(t, mentionedDependencies(t)), ...renderDetails(t.details)]);

  if (plan.notes) block('## Planning Notes', plan.notes.items.flatMap(renderItem));
  const phases = [...plan.phases].sort((a, b) => a.number - b.number);
  for (const phase of phases) {
    const body = [...phase.notes.flatMap((n) => [n, '']), ...tasks(phase.tasks)];
    if (body.at(-1) === '') body.pop();
    block(`## Phase ${phase.number}${phase.title ? ` - ${phase.title}` : ''}`, body);
  }
  if (plan.strayTasks.length > 0) block('## Other Tasks', tasks(plan.strayTasks));
  if (plan.contract) block('## Shared Metrics and Analytics Contract', plan.contract.items.flatMap(renderItem));
  return `${lines.join('\n')}\n`;
}
