// The parts of the plan comment around the phases: the goal it was planned for, the revision
// it is, and the planning notes and analytics contract the tasks rely on. Each is short by
// construction (cut at words, capped in lines) so the comment's budget goes to the plan.
import { escapeHtmlText } from '../text/html.js';
import { oneLine } from '../text/one-line.js';
import { plural } from '../text/plural.js';
import { blockquote } from '../text/quote.js';
import { escapeHtml } from './markdown.js';
import { cutAtWord } from './present-text.js';

/** Longest goal shown: a reminder of what was asked, the issue holds the rest. */
export const GOAL_CHARS = 400;
const CAUSE_CHARS = 200;
const ITEM_CHARS = 500;
const DETAILS_PER_ITEM = 10;
/** Largest notes or contract list: past it the list ends with "and N more" (tasks.md has them all). */
const SECTION_CHARS = 6_000;
// Past either, a section is folded into <details> so the phases stay near the top.
const OPEN_LINES = 8;
const OPEN_CHARS = 1_200;

export interface Revision {
  number: number;
  /** Pre-rendered Markdown (renderChanges), already escaped. */
  changes?: string;
  /** One line: why this revision was made. */
  cause?: string;
}

/** The revision when its number is one the hidden line can carry (commentRevision reads up to 9 digits). */
export function validRevision(revision: Revision | undefined): Revision | null {
  if (!revision) return null;
  const n = revision.number;
  return Number.isSafeInteger(n) && n >= 1 && n <= 999_999_999 ? revision : null;
}

/** Hidden line under the sticky marker: which revision the comment shows (src/action/stale.ts reads it). */
export function revisionMarker(revision: Revision): string {
  return `<!-- wild-plan:revision ${revision.number} -->`;
}

/** `**Revision 3** · re-planned from a review`. */
export function revisionLine(revision: Revision): string {
  const cause = oneLine(revision.cause ?? '');
  return `**Revision ${revision.number}**${cause ? ` · ${escapeHtml(cutAtWord(cause, CAUSE_CHARS))}` : ''}`;
}

/**
 * The changes block as given, except that it can open no HTML comment: a `<!--` would hide
 * the rest of the comment, the markers the sticky lookup and the stale banner look for included.
 */
export function changesBlock(changes: string | undefined): string | null {
  const text = changes?.trim();
  return text ? text.replaceAll('<!--', '&lt;!--') : null;
}

/**
 * The goal on one line: issue-form headings (`### Constraints`) become labels on it, and a
 * first paragraph that only repeats the title shown above it is left out. Null when empty.
 */
export function goalText(goal: string | undefined, title: string | undefined): string | null {
  const paragraphs = (goal ?? '')
    .split(/\n[ \t]*\n/)
    .map((p) => oneLine(p.split('\n').map(asLabel).join('\n')))
    .filter((p) => p !== '');
  if (paragraphs.length > 1 && title !== undefined && paragraphs[0] === oneLine(title)) paragraphs.shift();
  return paragraphs.length > 0 ? paragraphs.join(' ') : null;
}

/** `### Constraints ##` → `Constraints:`; any other line as it is. */
function asLabel(line: string): string {
  const heading = /^ {0,3}#{1,6}[ \t]+/.exec(line);
  if (!heading) return line;
  let end = line.length;
  while (end > heading[0].length && ' \t#'.includes(line[end - 1]!)) end--;
  const text = line.slice(heading[0].length, end);
  return text === '' ? '' : `${text}:`;
}

/** The goal (goalText) quoted, at most `max` characters cut at a word. */
export function goalLines(goal: string | null, max = GOAL_CHARS): string[] {
  return goal === null ? [] : ['**Goal**', blockquote(escapeHtml(cutAtWord(goal, max))), ''];
}

interface Item {
  text: string;
  details: string[];
}

/**
 * A notes or contract section under `heading`: a list of its items (and their details), open
 * when short, folded into `<details>` when long. Nothing when there are no items.
 */
export function itemSection(heading: string, h2: string, items: readonly Item[] | undefined): string[] {
  if (!items || items.length === 0) return [];
  const lines = fitLines(
    items.flatMap((item) => [
      `- ${inline(item.text)}`.trimEnd(),
      ...item.details.slice(0, DETAILS_PER_ITEM).map((d) => `  - ${inline(d)}`.trimEnd()),
      ...(item.details.length > DETAILS_PER_ITEM ? [`  - … and ${item.details.length - DETAILS_PER_ITEM} more`] : []),
    ]),
  );
  const long = lines.length > OPEN_LINES || lines.join('\n').length > OPEN_CHARS;
  if (!long) return [`${h2} ${heading}`, '', ...lines, ''];
  const summary = `${escapeHtmlText(heading)} · ${plural(items.length, 'item')}`;
  return [`${h2} ${heading}`, '', '<details>', `<summary>${summary}</summary>`, '', ...lines, '', '</details>', ''];
}

function inline(text: string): string {
  return escapeHtml(cutAtWord(oneLine(text), ITEM_CHARS));
}

/** Whole lines up to SECTION_CHARS, then one line saying how many were left out. */
function fitLines(lines: string[]): string[] {
  let used = 0;
  for (const [i, line] of lines.entries()) {
    used += line.length + 1;
    if (used > SECTION_CHARS) return [...lines.slice(0, i), `- … and ${lines.length - i} more lines in tasks.md`];
  }
  return lines;
}
