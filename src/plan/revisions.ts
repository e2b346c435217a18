// Plan revisions: what changed between the plan a review saw and the re-plan that answers
// it, as data and as a short Markdown block for the sticky comment, and the revision number
// itself, carried by a commit trailer so the count is read from the branch, never remembered.
//
// Everything taken from a plan is untrusted (the agent may obey the issue text): it is
// stripped of hidden characters, kept on one line, cut to a length, and either escaped to
// render literally (word diffs) or HTML-neutralised (descriptions, finding messages), with
// every @mention broken, so a task text cannot reshape the comment or ping anyone.
import { sanitizeUntrusted } from '../security/sanitize.js';
import { neutralizeMentions } from '../security/mentions.js';
import { oneLine } from '../text/one-line.js';
import { escapeHtml } from './markdown.js';
import { wordDiff, type DiffRun } from './word-diff.js';
import type { Finding, Plan, Task } from './types.js';

/** One committed plan and the findings the caller's checks (with the caller's limits) gave it. */
export interface Revision {
  plan: Plan;
  findings: Finding[];
}

export type TaskField = 'description' | 'deliverable' | 'doneWhen';

export interface TaskRef {
  /** null for a task written without an id; such tasks are matched by their description. */
  id: string | null;
  description: string;
}

export interface FieldChange {
  field: TaskField;
  before: string | null;
  after: string | null;
}

export interface TaskChange extends TaskRef {
  fields: FieldChange[];
}

export interface PhaseRef {
  number: number;
  title: string;
}

export interface PlanChanges {
  tasksAdded: TaskRef[];
  tasksRemoved: TaskRef[];
  tasksChanged: TaskChange[];
  phasesAdded: PhaseRef[];
  phasesRemoved: PhaseRef[];
  phasesRenamed: Array<{ number: number; before: string; after: string }>;
  findingsFixed: Finding[];
  findingsNew: Finding[];
}

const FIELDS: TaskField[] = ['description', 'deliverable', 'doneWhen'];
const FIELD_NAMES: Record<TaskField, string> = { description: 'description', deliverable: 'deliverable', doneWhen: 'done-when' };

function allTasks(plan: Plan): Task[] {
  return [...plan.phases.flatMap((p) => p.tasks), ...plan.strayTasks];
}

function taskKey(task: Task): string {
  return task.id ?? `text:${oneLine(task.description).toLowerCase()}`;
}

/** First task of each key: a duplicated id is the checker's finding, not a change. */
function byKey(tasks: Task[]): Map<string, Task> {
  const map = new Map<string, Task>();
  for (const task of tasks) if (!map.has(taskKey(task))) map.set(taskKey(task), task);
  return map;
}

function sameText(a: string | null, b: string | null): boolean {
  return (a === null ? null : oneLine(a)) === (b === null ? null : oneLine(b));
}

function byTaskOrder(a: TaskRef, b: TaskRef): number {
  const rank = (t: TaskRef): [number, number] => {
    const m = /^P(\d+)-T(\d+)$/.exec(t.id ?? '');
    return m ? [Number(m[1]), Number(m[2])] : [Infinity, 0];
  };
  const [pa, ta] = rank(a);
  const [pb, tb] = rank(b);
  return pa - pb || ta - tb || (a.description < b.description ? -1 : a.description > b.description ? 1 : 0);
}

/**
 * A finding's identity across revisions: its rule and message with line numbers taken out
 * (an edit above a task moves every line below it; the task id in the message stays).
 */
function findingKey(f: Finding): string {
  return `${f.rule}\u0000${f.message.replace(/\blines? \d+(?:(?:, | and )\d+)*/g, 'line')}`;
}

/** The findings of `from` that `to` does not have, counting repeats. */
function missingFrom(from: Finding[], to: Finding[]): Finding[] {
  const left = new Map<string, number>();
  for (const f of to) left.set(findingKey(f), (left.get(findingKey(f)) ?? 0) + 1);
  return from.filter((f) => {
    const n = left.get(findingKey(f)) ?? 0;
    if (n > 0) left.set(findingKey(f), n - 1);
    return n === 0;
  });
}

export function diffRevisions(before: Revision, after: Revision): PlanChanges {
  const old = byKey(allTasks(before.plan));
  const now = byKey(allTasks(after.plan));
  const ref = (t: Task): TaskRef => ({ id: t.id, description: t.description });
  const tasksChanged: TaskChange[] = [];
  for (const [key, task] of now) {
    const previous = old.get(key);
    if (!previous) continue;
    const fields = FIELDS.filter((f) => !sameText(previous[f], task[f])).map((field) => ({
      field,
      before: previous[field],
      after: task[field],
    }));
    if (fields.length > 0) tasksChanged.push({ ...ref(task), fields });
  }
  const phaseTitles = (plan: Plan): Map<number, string> => {
    const map = new Map<number, string>();
    for (const p of plan.phases) if (!map.has(p.number)) map.set(p.number, p.title);
    return map;
  };
  const oldPhases = phaseTitles(before.plan);
  const newPhases = phaseTitles(after.plan);
  const phaseList = (from: Map<number, string>, other: Map<number, string>): PhaseRef[] =>
    [...from].filter(([n]) => !other.has(n)).map(([number, title]) => ({ number, title }));
  return {
    tasksAdded: [...now]
      .filter(([k]) => !old.has(k))
      .map(([, t]) => ref(t))
      .sort(byTaskOrder),
    tasksRemoved: [...old]
      .filter(([k]) => !now.has(k))
      .map(([, t]) => ref(t))
      .sort(byTaskOrder),
    tasksChanged: tasksChanged.sort(byTaskOrder),
    phasesAdded: phaseList(newPhases, oldPhases).sort((a, b) => a.number - b.number),
    phasesRemoved: phaseList(oldPhases, newPhases).sort((a, b) => a.number - b.number),
    phasesRenamed: [...newPhases]
      .filter(([n, title]) => oldPhases.has(n) && !sameText(oldPhases.get(n)!, title))
      .map(([number, title]) => ({ number, before: oldPhases.get(number)!, after: title }))
      .sort((a, b) => a.number - b.number),
    findingsFixed: missingFrom(before.findings, after.findings),
    findingsNew: missingFrom(after.findings, before.findings),
  };
}

/** No task or phase was added, removed, changed or renamed (findings may still differ). */
export function tasksUnchanged(c: PlanChanges): boolean {
  return [c.tasksAdded, c.tasksRemoved, c.tasksChanged, c.phasesAdded, c.phasesRemoved, c.phasesRenamed].every((l) => l.length === 0);
}

// --- Markdown for the sticky comment -------------------------------------------------------

export interface RenderChangesOptions {
  /** The revision the changes are measured from ("Changes since revision N"). */
  sinceRevision: number;
  /** Largest result in UTF-16 units; whole lines are dropped past it. Default 8,000. */
  budget?: number;
  /** More list lines than this are folded into a `<details>` block. Default 8. */
  openLines?: number;
}

const MAX_TEXT = 160;
const MAX_DIFF = 240;
const CONTEXT_WORDS = 4;
// Characters that could start Markdown syntax; escaped so diff words render as typed.
const MARKDOWN_PUNCTUATION = /[\\`*_~[\]<>|#!&()]/;

/** Untrusted text as inline Markdown that keeps code spans and emphasis but no HTML or mention. */
function markdownText(text: string, max = MAX_TEXT): string {
  return escapeHtml(neutralizeMentions(oneLine(sanitizeUntrusted(text), max)));
}

/** As much of untrusted `text` as fits in `room` once escaped to render literally. */
function literal(text: string, room = Infinity): { text: string; cut: boolean } {
  let out = '';
  for (const c of neutralizeMentions(oneLine(sanitizeUntrusted(text)))) {
    const piece = MARKDOWN_PUNCTUATION.test(c) ? `\\${c}` : c;
    if (out.length + piece.length > room) return { text: out.trimEnd(), cut: true };
    out += piece;
  }
  return { text: out, cut: false };
}

/** Unchanged words are kept only near a change: `…` stands for the rest. */
function elide(run: DiffRun, first: boolean, last: boolean): string {
  const w = run.text.split(' ');
  if (first && last) return '';
  if (first) return w.length > CONTEXT_WORDS ? `… ${w.slice(-CONTEXT_WORDS).join(' ')}` : run.text;
  if (last) return w.length > CONTEXT_WORDS ? `${w.slice(0, CONTEXT_WORDS).join(' ')} …` : run.text;
  return w.length > 2 * CONTEXT_WORDS ? `${w.slice(0, CONTEXT_WORDS).join(' ')} … ${w.slice(-CONTEXT_WORDS).join(' ')}` : run.text;
}

/** `context ~~old words~~ **new words** context`, at most `max` units, never cut inside a mark. */
export function renderWordDiff(before: string, after: string, max = MAX_DIFF): string {
  const runs = wordDiff(sanitizeUntrusted(before), sanitizeUntrusted(after));
  const parts: string[] = [];
  let used = 0;
  for (const [i, run] of runs.entries()) {
    const [open, close] = run.kind === 'removed' ? ['~~', '~~'] : run.kind === 'added' ? ['**', '**'] : ['', ''];
    const raw = run.kind === 'same' ? elide(run, i === 0, i === runs.length - 1) : run.text;
    if (raw === '') continue;
    const room = max - used - (parts.length > 0 ? 1 : 0) - open.length - close.length - 2;
    const { text, cut } = literal(raw, room);
    if (text !== '') parts.push(`${open}${text}${close}`);
    if (cut) {
      parts.push('…');
      break;
    }
    used = parts.join(' ').length;
  }
  return parts.join(' ');
}

function taskLabel(t: TaskRef): string {
  return t.id ? `**${t.id}**` : '(no id)';
}

function phaseLabel(p: PhaseRef): string {
  return `Phase ${p.number}${p.title ? ` — ${markdownText(p.title, 100)}` : ''}`;
}

function fieldDiff(change: FieldChange): string {
  const name = FIELD_NAMES[change.field];
  if (change.after === null) return `${name} removed`;
  if (change.before === null) {
    const { text, cut } = literal(change.after, MAX_DIFF);
    return `${name} added: **${text}**${cut ? ' …' : ''}`;
  }
  return `${name}: ${renderWordDiff(change.before, change.after)}`;
}

function findingLine(verb: string, f: Finding): string {
  const icon = verb === 'Fixed' ? '✅' : f.severity === 'error' ? '❌' : '⚠️';
  return `- ${icon} ${verb} \`${f.rule.replace(/`/g, '')}\`: ${markdownText(f.message, 300)}`;
}

/** One list line per change: phases, then tasks added, removed and changed, then findings. */
export function changeLines(c: PlanChanges): string[] {
  return [
    ...c.phasesAdded.map((p) => `- ➕ Added ${phaseLabel(p)}`),
    ...c.phasesRemoved.map((p) => `- ➖ Removed ${phaseLabel(p)}`),
    ...c.phasesRenamed.map((p) => `- ✏️ Renamed Phase ${p.number}: ${renderWordDiff(p.before, p.after, 160)}`),
    ...c.tasksAdded.map((t) => `- ➕ Added ${taskLabel(t)}: ${markdownText(t.description)}`),
    ...c.tasksRemoved.map((t) => `- ➖ Removed ${taskLabel(t)}: ${markdownText(t.description)}`),
    ...c.tasksChanged.map((t) => `- ✏️ Changed ${taskLabel(t)}: ${t.fields.map(fieldDiff).join(' · ')}`),
    ...c.findingsFixed.map((f) => findingLine('Fixed', f)),
    ...c.findingsNew.map((f) => findingLine('New', f)),
  ];
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2 tasks added, 1 changed; 1 phase added; 1 finding fixed` (only the non-zero parts). */
export function changeSummary(c: PlanChanges): string {
  const group = (noun: string, items: Array<[number, string]>): string | null => {
    const shown = items.filter(([n]) => n > 0);
    if (shown.length === 0) return null;
    return shown.map(([n, verb], i) => (i === 0 ? `${count(n, noun)} ${verb}` : `${n} ${verb}`)).join(', ');
  };
  const parts = [
    group('task', [
      [c.tasksAdded.length, 'added'],
      [c.tasksRemoved.length, 'removed'],
      [c.tasksChanged.length, 'changed'],
    ]),
    group('phase', [
      [c.phasesAdded.length, 'added'],
      [c.phasesRemoved.length, 'removed'],
      [c.phasesRenamed.length, 'renamed'],
    ]),
    group('finding', [
      [c.findingsFixed.length, 'fixed'],
      [c.findingsNew.length, 'new'],
    ]),
  ].filter((p): p is string => p !== null);
  if (tasksUnchanged(c)) parts.unshift('No changes to the tasks');
  return parts.join('; ');
}

/**
 * "Changes since revision N" for the sticky comment: one bold line with the counts, then a
 * list; folded into `<details>` when the list is long. When nothing changed at all it is the
 * single line `**Changes since revision N:** No changes to the tasks.`
 */
export function renderChanges(c: PlanChanges, options: RenderChangesOptions): string {
  const budget = Math.max(0, Math.floor(options.budget ?? 8_000));
  const since = `Changes since revision ${Math.max(0, Math.floor(options.sinceRevision))}:`;
  const summary = changeSummary(c);
  const lines = changeLines(c);
  if (lines.length === 0) return `**${since}** ${summary}.`;
  const folded = lines.length > (options.openLines ?? 8);
  const head = folded ? ['<details>', `<summary><b>${since}</b> ${summary}</summary>`, ''] : [`**${since}** ${summary}`, ''];
  const tail = folded ? ['', '</details>'] : [];
  const fixed = [...head, ...tail].join('\n').length + 1;
  const kept: string[] = [];
  let used = fixed;
  for (const [i, line] of lines.entries()) {
    const more = i + 1 < lines.length ? `- … and ${lines.length - i - 1} more`.length + 1 : 0;
    if (used + line.length + 1 + more > budget) {
      kept.push(`- … and ${lines.length - i} more`);
      break;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return [...head, ...kept, ...tail].join('\n');
}

// --- Revision numbers from the branch ------------------------------------------------------

/** The git trailer every plan commit carries: `Wild-Plan-Revision: 3`. */
export const REVISION_TRAILER = 'Wild-Plan-Revision';
const TRAILER_LINE = /^Wild-Plan-Revision:[ \t]*(\d{1,9})[ \t]*$/i;
const ANY_TRAILER = /^[A-Za-z0-9][A-Za-z0-9-]*:[ \t]*\S/;

function lastParagraph(message: string): string[] {
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n[ \t]*\n/);
  return paragraphs.length > 1 ? paragraphs.at(-1)!.split('\n') : [];
}

/**
 * The revision a commit message records, or null. Only the trailer block counts (the last
 * paragraph, after a subject): a message that merely quotes the trailer in its body does not.
 */
export function revisionOf(message: string): number | null {
  const found = lastParagraph(message)
    .map((l) => TRAILER_LINE.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  const last = found.at(-1);
  return last ? Number(last[1]) : null;
}

/**
 * The highest revision recorded in the plan branch's commit messages, 0 when none has one.
 * The messages may come in any order (`git log` gives newest first): the highest wins, so a
 * hand-made commit without a trailer, or a list in the other order, does not change the count.
 */
export function latestRevision(messages: readonly string[]): number {
  return messages.reduce((max, m) => Math.max(max, revisionOf(m) ?? 0), 0);
}

/** The revision the next plan commit on the branch gets: one past the latest. */
export function nextRevision(messages: readonly string[]): number {
  return latestRevision(messages) + 1;
}

/** `message` with the revision trailer set to `revision` (replacing any it had). */
export function withRevisionTrailer(message: string, revision: number): string {
  const trailer = `${REVISION_TRAILER}: ${Math.max(1, Math.floor(revision))}`;
  // Only the trailer block is rewritten; a body that quotes the trailer keeps its text.
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .trimEnd()
    .split(/\n[ \t]*\n/);
  if (paragraphs.length > 1) {
    const kept = paragraphs
      .at(-1)!
      .split('\n')
      .filter((l) => !TRAILER_LINE.test(l.trim()));
    paragraphs[paragraphs.length - 1] = kept.join('\n');
  }
  const text = paragraphs.join('\n\n').trimEnd();
  const block = lastParagraph(text);
  const inTrailerBlock = block.length > 0 && block.every((l) => ANY_TRAILER.test(l));
  return `${text}${inTrailerBlock ? '\n' : '\n\n'}${trailer}\n`;
}
