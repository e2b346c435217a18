// tasks.md → Plan. Walks the mdast tree (GFM task lists) section by section, so code fences,
// nested lists and prose around the plan do not confuse it; regexes only ever look at the
// text of one heading or one list item. Never throws: anything unrecognised is skipped.
import type { ListItem, Nodes, RootContent } from 'mdast';
import { parseMarkdown } from '../text/mdast.js';
import { ABORT_NO_RUNS_ITEM, ABORT_REASON_PREFIX } from './abort.js';
import {
  compareTaskIds,
  dependencyMentions,
  normalizeInline,
  normalizeTaskId,
  readLabeledField,
  readTaskFields,
  taskIdsIn,
  toAnalyticsContract,
  toPlanningNotes,
  type LabeledItem,
} from './markdown.js';
import { ABORT_SENTINEL, type Phase, type Plan, type Task, type TaskState } from './types.js';

interface Source {
  text: string;
  /** Added to mdast's 1-based lines: the fence's line when the plan sits in a code fence. */
  lineOffset: number;
}

/** A top-level block and the text its positions refer to. */
interface Block {
  node: RootContent;
  source: Source;
}

type SectionKind = 'phase' | 'notes' | 'contract' | 'other';
interface Section {
  kind: SectionKind;
  depth: number;
  line: number;
  heading: string;
  nodes: RootContent[];
  source: Source;
}

const PHASE_HEADING = /^[^\p{L}\p{N}]*phase\s+0*(\d{1,6})\b\s*(?:[-–—:.)]+\s*)?(.*)$/iu;
const CHECKBOX = /^\[([ xX/])\](?:\s+|$)/;
const ID_AT_START = /^(\*\*|__|`)?\[?P0*(\d{1,6})-T0*(\d{1,6})\]?\1(?:\s*[:\-–—.](?=\s|$)\s*|\s+|$)/i;

export function parsePlan(markdown: string): Plan {
  // A `<plan>` wrapper line would swallow the next block as raw HTML; blank it, keeping line numbers.
  const text = markdown.replace(/\r\n?/g, '\n').replace(/^[ \t]*<\/?plan>[ \t]*$/gim, '');
  let blocks = parseBlocks(text, 0);
  let plan = readPlan(blocks);
  if (isEmpty(plan)) {
    // Agents sometimes wrap the whole plan in a ``` fence: read the richest fence instead.
    for (const { node, source } of blocks) {
      if (node.type !== 'code' || !node.position) continue;
      const inner = parseBlocks(node.value, source.lineOffset + node.position.start.line);
      const candidate = { ...readPlan(inner), fenced: true };
      if (size(candidate) > size(plan)) [plan, blocks] = [candidate, inner];
    }
  }
  const at = text.indexOf(ABORT_SENTINEL);
  if (at < 0) return plan;
  const abortLine = text.slice(0, at).split('\n').length;
  // The prompt's abort checklist has every item checked; a plan that merely mentions the
  // sentinel (say, in its risks) still has open tasks and stays a plan.
  const boxes = blocks.flatMap(({ node, source }) => listItems(node).map((item) => checkboxOf(item, source)));
  if (boxes.some((box) => box.checkbox && box.state !== 'done')) return { ...plan, abortLine };
  return { ...emptyPlan(), abort: true, abortLine, fenced: plan.fenced, abortReasons: abortReasons(boxes.map((b) => b.text)) };
}

// micromark's cost grows faster than linearly on multi-megabyte input (micromark/micromark#169),
// so a large document is parsed in pieces, each cut just before a `#` heading that opens a
// phase or section, follows a blank line and lies outside fences and HTML comments: a place
// where CommonMark starts a new top-level block anyway. Normal plans (a few KB) parse whole.
// The fence test in chunks() is a line scan on purpose (not text/fences.ts): it decides
// where micromark may start, so it cannot ask micromark. Should the GFM parse fail,
// parseMarkdown falls back to CommonMark and checkboxOf still reads `[ ]`/`[x]` from the text.
const CHUNK_FROM = 100_000;
const CHUNK_SIZE = 50_000;

function parseBlocks(text: string, lineOffset: number): Block[] {
  return chunks(text).flatMap((chunk) => {
    const source: Source = { text: chunk.text, lineOffset: lineOffset + chunk.line - 1 };
    return parseMarkdown(chunk.text).children.map((node) => ({ node, source }));
  });
}

function chunks(text: string): Array<{ text: string; line: number }> {
  if (text.length <= CHUNK_FROM) return [{ text, line: 1 }];
  const out: Array<{ text: string; line: number }> = [];
  let [start, startLine, line, pos, previousBlank] = [0, 1, 1, 0, true];
  let until: ((l: string) => boolean) | null = null;
  while (pos <= text.length) {
    const newline = text.indexOf('\n', pos);
    const end = newline < 0 ? text.length : newline;
    const l = text.slice(pos, end);
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(l);
    if (until) {
      if (until(l)) until = null;
    } else if (fence && !(fence[1]!.startsWith('`') && l.slice(fence[0].length).includes('`'))) {
      const [char, length] = [fence[1]![0]!, fence[1]!.length];
      const closing = new RegExp(`^ {0,3}\\${char}{${length},}[ \\t]*$`);
      until = (x) => closing.test(x);
    } else if (/^ {0,3}<!--/.test(l) && !l.slice(l.indexOf('<!--') + 4).includes('-->')) {
      until = (x) => x.includes('-->');
    } else if (
      previousBlank &&
      pos - start >= CHUNK_SIZE &&
      /^#{1,6}[ \t]/.test(l) &&
      classify(l.replace(/^#+|#+\s*$|[*_`]/g, '').trim()) !== 'other'
    ) {
      out.push({ text: text.slice(start, pos), line: startLine });
      [start, startLine] = [pos, line];
    }
    previousBlank = l.trim() === '';
    [pos, line] = [end + 1, line + 1];
  }
  out.push({ text: text.slice(start), line: startLine });
  return out;
}

function emptyPlan(): Plan {
  return { abort: false, abortReasons: [], abortLine: null, fenced: false, notes: null, phases: [], strayTasks: [], contract: null };
}

function size(plan: Plan): number {
  const tasks = plan.phases.reduce((n, p) => n + p.tasks.length, plan.strayTasks.length);
  return tasks + plan.phases.length + (plan.notes ? 1 : 0) + (plan.contract ? 1 : 0);
}

function isEmpty(plan: Plan): boolean {
  return size(plan) === 0;
}

function abortReasons(texts: string[]): string[] {
  const prefix = ABORT_REASON_PREFIX.toLowerCase();
  const prefixed = texts.filter((t) => t.toLowerCase().startsWith(prefix));
  if (prefixed.length > 0) return prefixed.map((t) => t.slice(prefix.length).trim());
  // An agent-written checklist: every item but the sentinel and "no sweeps/runs created" lines.
  return texts.filter(
    (t) => t !== '' && !t.includes(ABORT_SENTINEL) && t !== ABORT_NO_RUNS_ITEM && !/^(planning aborted|no (plan|sweeps?|runs?)\b)/i.test(t),
  );
}

function readPlan(blocks: Block[]): Plan {
  const plan = emptyPlan();
  for (const { kind, heading, line, nodes, source } of splitSections(blocks)) {
    if (kind === 'phase') {
      const m = PHASE_HEADING.exec(heading)!;
      const phase: Phase = { number: Number(m[1]), title: m[2]!.trim(), line, tasks: [], notes: [] };
      collectTasks(nodes, source, phase.number, phase.tasks, phase.notes);
      plan.phases.push(phase);
    } else if (kind === 'notes' && !plan.notes) {
      plan.notes = toPlanningNotes(line, collectItems(nodes, source));
    } else if (kind === 'contract' && !plan.contract) {
      plan.contract = toAnalyticsContract(line, collectItems(nodes, source));
    } else if (kind === 'other') {
      collectTasks(nodes, source, null, plan.strayTasks, null);
    }
  }
  return plan;
}

function classify(heading: string): SectionKind {
  if (PHASE_HEADING.test(heading)) return 'phase';
  if (/planning\s+notes?/i.test(heading)) return 'notes';
  if (/(metrics|analytics).*contract|contract.*(metrics|analytics)/i.test(heading)) return 'contract';
  return 'other';
}

function plainText(node: Nodes): string {
  if ('value' in node && (node.type === 'text' || node.type === 'inlineCode')) return node.value;
  return 'children' in node ? node.children.map((c) => plainText(c as Nodes)).join('') : '';
}

/** A heading, or a paragraph that is one bold/italic phrase naming a phase or section (depth 7). */
function headingOf(node: RootContent): { depth: number; text: string } | null {
  if (node.type === 'heading') return { depth: node.depth, text: plainText(node).trim() };
  if (node.type !== 'paragraph' || node.children.length !== 1) return null;
  const only = node.children[0]!;
  if (only.type !== 'strong' && only.type !== 'emphasis') return null;
  const text = plainText(node).trim();
  return classify(text) === 'other' ? null : { depth: 7, text };
}

function lineOf(node: Nodes, source: Source): number {
  return (node.position?.start.line ?? 1) + source.lineOffset;
}

function splitSections(blocks: Block[]): Section[] {
  const first: Source = blocks[0]?.source ?? { text: '', lineOffset: 0 };
  let current: Section = { kind: 'other', depth: 0, line: 1, heading: '', nodes: [], source: first };
  const sections = [current];
  for (const { node, source } of blocks) {
    const heading = headingOf(node);
    if (heading) {
      const kind = classify(heading.text);
      // A sub-heading ("### Tasks") inside a phase or section stays part of it.
      if (kind !== 'other' || current.kind === 'other' || heading.depth <= current.depth) {
        current = { kind, depth: heading.depth, line: lineOf(node, source), heading: heading.text, nodes: [], source };
        sections.push(current);
        continue;
      }
    }
    current.nodes.push(node);
  }
  return sections;
}

function sliceOf(node: Nodes, source: Source): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : normalizeInline(source.text.slice(start, end));
}

/** The item's first-line text with its box taken off (GFM removes `[ ]`/`[x]`; `[/]` is ours). */
function checkboxOf(item: ListItem, source: Source): { checkbox: boolean; state: TaskState; text: string } {
  const first = item.children[0];
  let text = first?.type === 'paragraph' ? sliceOf(first, source) : '';
  const m = CHECKBOX.exec(text);
  // mdast moves the paragraph start past the box only when a text node follows it (not `code`).
  if (typeof item.checked === 'boolean') {
    return { checkbox: true, state: item.checked ? 'done' : 'todo', text: m && m[1] !== '/' ? text.slice(m[0].length) : text };
  }
  if (!m) return { checkbox: false, state: 'todo', text };
  text = text.slice(m[0].length);
  return { checkbox: true, state: m[1] === '/' ? 'in-progress' : m[1] === ' ' ? 'todo' : 'done', text };
}

function listItems(root: Nodes): ListItem[] {
  const found: ListItem[] = [];
  const walk = (node: Nodes): void => {
    if (node.type === 'listItem') found.push(node);
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(root);
  return found;
}

/** Tasks among `nodes`; non-task bullets and prose go to `notes` (when given). */
function collectTasks(nodes: RootContent[], source: Source, phase: number | null, tasks: Task[], notes: string[] | null): void {
  for (const node of nodes) {
    if (node.type === 'paragraph') notes?.push(sliceOf(node, source));
    else if (node.type === 'blockquote') collectTasks(node.children, source, phase, tasks, notes);
    else if (node.type === 'list') {
      for (const item of node.children) {
        if (readTask(item, source, phase, tasks)) continue;
        // "- Tasks:" with the real tasks nested below it.
        const text = checkboxOf(item, source).text;
        if (text !== '') notes?.push(text);
        collectTasks(item.children.slice(1), source, phase, tasks, null);
      }
    }
  }
}

/** Reads `item` as a task (pushing it and any nested tasks with ids); false if it is not one. */
function readTask(item: ListItem, source: Source, phase: number | null, tasks: Task[], nested = false): boolean {
  const box = checkboxOf(item, source);
  const id = ID_AT_START.exec(box.text);
  const fields = readTaskFields(id ? box.text.slice(id[0].length) : box.text);
  if (nested ? !id : !box.checkbox && !id && !fields.labeled) return false;
  const task: Task = {
    id: id ? normalizeTaskId(id[2]!, id[3]!) : null,
    phase: id ? Number(id[2]) : phase,
    number: id ? Number(id[3]) : null,
    state: box.state,
    checkbox: box.checkbox,
    description: fields.description,
    deliverable: fields.deliverable,
    doneWhen: fields.doneWhen,
    dependencies: [],
    details: [],
    line: lineOf(item, source),
  };
  tasks.push(task);
  const deps = [...fields.deps];
  collectDetails(item.children.slice(1), source, phase, tasks, task, deps);
  const texts = [task.description, task.deliverable ?? '', task.doneWhen ?? '', ...task.details];
  task.dependencies = [...new Set([...deps, ...texts.flatMap(dependencyMentions)])].sort(compareTaskIds);
  return true;
}

/** Nested bullets and paragraphs under a task: details, a labeled field, or a nested task with an id. */
function collectDetails(nodes: RootContent[], source: Source, phase: number | null, tasks: Task[], task: Task, deps: string[]): void {
  const add = (text: string): void => {
    const [key, value] = readLabeledField(text) ?? [null, text];
    if (key === 'deps') deps.push(...taskIdsIn(value));
    else if (key && task[key] === null) task[key] = value;
    else if (text !== '') task.details.push(text);
  };
  for (const node of nodes) {
    if (node.type === 'paragraph') add(sliceOf(node, source));
    else if (node.type === 'blockquote') collectDetails(node.children, source, phase, tasks, task, deps);
    else if (node.type === 'list') {
      for (const item of node.children) {
        if (readTask(item, source, phase, tasks, true)) continue;
        add(checkboxOf(item, source).text);
        collectDetails(item.children.slice(1), source, phase, tasks, task, deps);
      }
    }
  }
}

/** Items of Planning Notes / the contract: bullets, paragraphs, or `### Label` sub-headings with content. */
function collectItems(nodes: RootContent[], source: Source): LabeledItem[] {
  const items: LabeledItem[] = [];
  let headed: LabeledItem | null = null;
  const add = (item: LabeledItem): void => {
    if (!headed) items.push(item);
    else headed.details.push(...[item.text, ...item.details].filter((t) => t !== ''));
  };
  for (const node of nodes) {
    const line = lineOf(node, source);
    if (node.type === 'heading') items.push((headed = { text: plainText(node).trim(), details: [], line }));
    else if (node.type === 'paragraph') add({ text: sliceOf(node, source), details: [], line });
    else if (node.type === 'list') {
      for (const item of node.children) {
        add({ text: checkboxOf(item, source).text, details: flatten(item.children.slice(1), source), line: lineOf(item, source) });
      }
    }
  }
  return items;
}

function flatten(nodes: RootContent[], source: Source): string[] {
  return nodes
    .flatMap((node) => {
      if (node.type === 'paragraph') return [sliceOf(node, source)];
      if (node.type !== 'list') return [];
      return node.children.flatMap((item) => [checkboxOf(item, source).text, ...flatten(item.children.slice(1), source)]);
    })
    .filter((t) => t !== '');
}
