// The tasks.md text format: the inline rules both the parser and the renderer use (so they
// stay inverse to each other), and renderPlanMarkdown, the canonical text of a Plan.
import { inlinePieces, mapOutsideCode, neutralizeInlineHtml, plainUnits, tableCell } from '../text/markdown.js';
import { renderAbortChecklist } from './abort.js';
import type { AnalyticsContract, ContractItem, ContractKey, NoteItem, Plan, PlanningNoteKind, PlanningNotes, Task } from './types.js';

/** `a | deliverable: b` → ['a', 'deliverable: b']; `\|` and pipes inside code spans do not split. */
export function splitFields(raw: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (const piece of inlinePieces(raw)) {
    if (piece.code) {
      current += piece.text;
      continue;
    }
    for (const u of plainUnits(piece.text)) {
      if (u === '|') {
        segments.push(current.trim());
        current = '';
      } else current += u === '\\|' ? '|' : u;
    }
  }
  segments.push(current.trim());
  return segments;
}

/** The inverse of splitFields for one field: pipes outside code spans become `\|`. */
export function escapeFieldPipes(text: string): string {
  return mapOutsideCode(text, (u) => (u === '|' ? '\\|' : u));
}

/** Joins a paragraph's source lines (and their blockquote/indent prefixes) into one line. */
export function normalizeInline(raw: string): string {
  return raw.replace(/[ \t]*\r?\n[ \t>]*/g, ' ').trim();
}

/** Keeps inline markdown rendering but stops raw HTML (`</details>`, comments, the sticky marker). */
export function escapeHtml(text: string): string {
  return neutralizeInlineHtml(normalizeInline(text));
}

/** A GFM table cell: one line, HTML neutralised, every pipe escaped (see tableCell). */
export function escapeTableCell(text: string): string {
  return tableCell(escapeHtml(text));
}

function renderDetails(details: string[]): string[] {
  return details.map((d) => `  - ${d}`);
}

function renderItem(item: NoteItem | ContractItem): string[] {
  return [`- ${item.text}`.trimEnd(), ...renderDetails(item.details)];
}

const TASK_ID = String.raw`P0*(\d{1,6})-T0*(\d{1,6})`;

/** `p01-t2` → `P1-T2`. */
export function normalizeTaskId(phase: string, number: string): string {
  return `P${Number(phase)}-T${Number(number)}`;
}

export function compareTaskIds(a: string, b: string): number {
  const [pa = 0, ta = 0] = a.slice(1).split('-T').map(Number);
  const [pb = 0, tb = 0] = b.slice(1).split('-T').map(Number);
  return pa - pb || ta - tb;
}

/** Every task id in a text, normalised (a `deps:` field lists ids without keywords). */
export function taskIdsIn(text: string): string[] {
  return [...text.matchAll(new RegExp(`\\b${TASK_ID}\\b`, 'gi'))].map((m) => normalizeTaskId(m[1]!, m[2]!));
}

// `depends on P1-T2`, `after [P1-T2] and [P1-T3]`, `deps: P1-T1, P1-T2`, `(depends: P1-T1)`:
// a keyword, then one or more ids. A bare id ("compare with P1-T1") is not a dependency.
const MENTION = new RegExp(
  String.raw`\b(?:depends?\s+on|depends|dependenc(?:y|ies)|deps?|after|requires?|needs|blocked\s+by)\b\s*:?` +
    String.raw`((?:[\s,;&/(\[\x60*]*(?:(?:and|or)\s+)?\[?${TASK_ID}\b[\])\x60*]*)+)`,
  'gi',
);

export function dependencyMentions(text: string): string[] {
  return [...text.matchAll(MENTION)].flatMap((m) => taskIdsIn(m[1]!));
}

/** `| depends on P1-T3 |` or `| (after [P2-T2]) |`: a segment that is nothing but a dependency mention. */
function isDependencySegment(segment: string): boolean {
  return dependencyMentions(segment).length > 0 && segment.replace(MENTION, '').replace(/[\s().,;]/g, '') === '';
}

const FIELD_LABEL =
  /^(?:\*\*|__)?(deliverables?|done[- _]?when|deps|dependencies|dependency|depends(?:[ _-]on)?)(?:\*\*|__)?\s*:(?:\*\*|__)?\s*/i;

export type FieldKey = 'deliverable' | 'doneWhen' | 'deps';

/** `deliverable: x` → ['deliverable', 'x']; null for unlabeled text. */
export function readLabeledField(segment: string): [FieldKey, string] | null {
  const m = FIELD_LABEL.exec(segment);
  if (!m) return null;
  const label = m[1]!.toLowerCase();
  const key = label.startsWith('deliverable') ? 'deliverable' : label.startsWith('done') ? 'doneWhen' : 'deps';
  return [key, segment.slice(m[0].length).trim()];
}

export interface TaskFields {
  description: string;
  deliverable: string | null;
  doneWhen: string | null;
  /** Ids listed in a `deps:` field. */
  deps: string[];
  /** Some segment carried a field label (a bullet with one is a task even without box or id). */
  labeled: boolean;
}

/** `desc | deliverable: x | done-when: y`; an unlabeled segment after a field continues it. */
export function readTaskFields(text: string): TaskFields {
  const fields: TaskFields = { description: '', deliverable: null, doneWhen: null, deps: [], labeled: false };
  const description: string[] = [];
  let last: FieldKey | null = null;
  for (const segment of splitFields(text)) {
    const labeled = readLabeledField(segment) ?? (isDependencySegment(segment) ? (['deps', segment] as const) : null);
    const value = labeled ? labeled[1] : segment;
    if (labeled) last = labeled[0];
    if (last === null) description.push(segment);
    else if (last === 'deps') fields.deps.push(...taskIdsIn(value));
    else {
      const previous = fields[last];
      fields[last] = previous === null ? value : `${previous} | ${value}`;
    }
  }
  fields.description = description.join(' | ').trim();
  fields.labeled = last !== null;
  return fields;
}

// Labels of the Planning Notes and analytics contract items, matched on the text before
// the first colon so "Key risks and assumptions: the codebase…" is a risk, not a finding.
function labelOf(text: string): { label: string; rest: string | null } {
  const m = /^([^:]{1,80}):(.*)$/.exec(text);
  return m ? { label: m[1]!.replace(/[*_`]/g, ''), rest: m[2]!.replace(/^[*_]+/, '').trim() } : { label: text, rest: null };
}

const NOTE_KINDS: Array<[PlanningNoteKind, RegExp]> = [
  ['codebase-findings', /codebase|finding/i],
  ['risks-and-assumptions', /risk|assumption/i],
  ['experiment-layout', /experiment root|layout|logging/i],
];

export function noteKind(text: string): PlanningNoteKind | null {
  const { label } = labelOf(text);
  return NOTE_KINDS.find(([, re]) => re.test(label))?.[0] ?? null;
}

/** A note that is only its label ("- Key codebase findings"), as copied from the prompt's example. */
export function noteIsEmpty(text: string, details: string[]): boolean {
  if (details.length > 0) return false;
  const { rest } = labelOf(text);
  if (rest !== null) return rest === '';
  return /^\W*(key\s+)?(codebase findings|risks and assumptions|experiment root and logging layout decision)\W*$/i.test(text);
}

const CONTRACT_KEYS: Array<[ContractKey, RegExp]> = [
  ['primaryMetrics', /primary/i],
  ['secondaryDiagnostics', /secondary|diagnostic/i],
  ['statisticalChecks', /statistic|confidence|significance/i],
  ['requiredArtifacts', /artifact/i],
];

export function contractKey(text: string): ContractKey | null {
  const { label } = labelOf(text);
  return CONTRACT_KEYS.find(([, re]) => re.test(label))?.[0] ?? null;
}

/** The item's content: after the label's colon (or after the label words), then its details. */
export function contractValue(text: string, details: string[]): string {
  const { rest } = labelOf(text);
  const inline = rest ?? text.replace(/^\W*(primary|secondary|statistical|required)\s+\w+(\s+(or|and)\s+\w+(\s+\w+)?)?\W*/i, '').trim();
  return [inline, ...details].filter((t) => t !== '').join('; ');
}

export interface LabeledItem {
  text: string;
  details: string[];
  line: number;
}

/** Planning Notes from their items (bullets, paragraphs or sub-headings with content). */
export function toPlanningNotes(line: number, raw: LabeledItem[]): PlanningNotes {
  const items: NoteItem[] = raw.map((r) => ({ ...r, kind: noteKind(r.text) }));
  const has = (kind: NoteItem['kind']): boolean => items.some((i) => i.kind === kind);
  return {
    line,
    items,
    present: {
      'codebase-findings': has('codebase-findings'),
      'risks-and-assumptions': has('risks-and-assumptions'),
      'experiment-layout': has('experiment-layout'),
    },
  };
}

export function toAnalyticsContract(line: number, raw: LabeledItem[]): AnalyticsContract {
  const items: ContractItem[] = raw.map((r) => ({ ...r, key: contractKey(r.text) }));
  const value = (key: ContractItem['key']): string | null => {
    const item = items.find((i) => i.key === key);
    return item ? contractValue(item.text, item.details) : null;
  };
  return {
    line,
    items,
    primaryMetrics: value('primaryMetrics'),
    secondaryDiagnostics: value('secondaryDiagnostics'),
    statisticalChecks: value('statisticalChecks'),
    requiredArtifacts: value('requiredArtifacts'),
  };
}

export function renderTaskLine(task: Task): string {
  const mentioned = new Set([task.description, task.deliverable ?? '', task.doneWhen ?? '', ...task.details].flatMap(dependencyMentions));
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
 */
export function renderPlanMarkdown(plan: Plan): string {
  if (plan.abort) return renderAbortChecklist(plan.abortReasons);
  const lines: string[] = [];
  const block = (heading: string, body: string[]): void => {
    if (lines.length > 0) lines.push('');
    lines.push(heading, '', ...body);
    if (body.length === 0) lines.pop();
  };
  const tasks = (list: Task[]): string[] => list.flatMap((t) => [renderTaskLine(t), ...renderDetails(t.details)]);

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
