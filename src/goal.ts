import { sanitizeWithReport } from './security/sanitize.js';
import { fencedLines, unclosedFence } from './text/fences.js';
import { oneLine } from './text/one-line.js';

export { sanitizeUntrusted } from './security/sanitize.js';

// The goal comes from an issue anyone may have written; it is cleaned here and only ever
// becomes text in the agent's prompt (never a shell argument). Workflow-command lines
// (`::error::`) and `${{ }}` expressions stay as they are: they do nothing inside a value.

export const DEFAULT_GOAL_MAX_CHARS = 20_000;
export const DEFAULT_STEER_MAX_CHARS = 4_000;

export interface GoalInput {
  title?: string;
  body?: string | null;
  /** Extra direction from a `/wild-plan ...` comment or a dispatch input. */
  steer?: string;
}

export interface GoalOptions {
  /** Largest goal kept, in characters (code points); a notice follows the cut. */
  maxChars?: number;
  /** Largest steer text kept, in characters (code points). */
  maxSteerChars?: number;
}

export interface GoalResult {
  goal: string;
  /** Sanitised steer text, '' when there is none. */
  steer: string;
  /** True when the goal or the steer text was cut (the notices say which). */
  truncated: boolean;
  /** Things the maintainer should know: cuts and removed hidden content. */
  notices: string[];
}

/** The issue holds no usable goal; the message tells the author what to write where. */
export class GoalError extends Error {
  override name = 'GoalError';
}

const NO_RESPONSE = '_No response_';
/** Issue-form labels taken as the goal: "Goal", "Research goal", "Goal (what to find out)". */
const GOAL_LABEL = /^(?:the\s+)?(?:research\s+)?goals?\b/i;
const FORM_HEADING = /^ {0,3}###[ \t]/;

export function buildGoal(input: GoalInput, opts: GoalOptions = {}): GoalResult {
  const maxChars = checkedLimit(opts.maxChars ?? DEFAULT_GOAL_MAX_CHARS, 'maxChars');
  const maxSteerChars = checkedLimit(opts.maxSteerChars ?? DEFAULT_STEER_MAX_CHARS, 'maxSteerChars');
  const notices: string[] = [];

  const title = sanitizeWithReport(input.title ?? '');
  const body = sanitizeWithReport(input.body ?? '');
  const hidden = addReports(title, body);
  if (hidden) notices.push(`Removed hidden content from the issue: ${hidden}.`);

  const text = composeGoal(oneLine(title.text), body.text);
  if (text === '') {
    throw new GoalError(
      'No research goal found: the issue title and body are empty once hidden content ' +
        '(HTML comments, invisible characters) is removed. Write the research goal in the ' +
        'issue body under `### Goal` (or in the title) and run wild-plan again.',
    );
  }
  const goal = capText(text, maxChars, 'goal');
  if (goal.truncated) notices.push(`The goal was cut to its first ${maxChars} characters.`);

  const steerReport = sanitizeWithReport(input.steer ?? '');
  const steerHidden = addReports(steerReport);
  if (steerHidden) notices.push(`Removed hidden content from the steer text: ${steerHidden}.`);
  const steer = capText(steerReport.text.trim(), maxSteerChars, 'steer');
  if (steer.truncated) notices.push(`The steer text was cut to its first ${maxSteerChars} characters.`);

  return { goal: goal.text, steer: steer.text, truncated: goal.truncated || steer.truncated, notices };
}

function checkedLimit(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function addReports(...reports: { removedChars: number; removedComments: number }[]): string {
  const comments = reports.reduce((n, r) => n + r.removedComments, 0);
  const chars = reports.reduce((n, r) => n + r.removedChars, 0);
  const parts: string[] = [];
  if (comments > 0) parts.push(`${comments} HTML comment${comments === 1 ? '' : 's'}`);
  if (chars > 0) parts.push(`${chars} invisible or control character${chars === 1 ? '' : 's'}`);
  return parts.join(' and ');
}

interface Section {
  /** null for text before the first heading. */
  heading: string | null;
  text: string;
}

/**
 * Title first, then the issue form's goal, then every other answered section under its
 * own `###` heading (sections land under the prompt's `## Goal`). A body that is not an
 * issue form with a goal field is kept whole: nothing the author wrote is dropped.
 */
function composeGoal(title: string, body: string): string {
  const sections = splitFormSections(body);
  const goalIndex = sections.findIndex((s) => s.heading !== null && GOAL_LABEL.test(s.heading));
  const parts = [title];
  if (goalIndex === -1) {
    parts.push(body.trim());
  } else {
    parts.push(answer(sections[goalIndex]?.text ?? ''));
    sections.forEach((section, index) => {
      const text = answer(section.text);
      if (index === goalIndex || text === '') return;
      parts.push(section.heading === null ? text : `### ${section.heading}\n\n${text}`);
    });
  }
  return parts.filter((part) => part !== '').join('\n\n');
}

/** GitHub writes `_No response_` for an empty optional field. */
function answer(text: string): string {
  const trimmed = text.trim();
  return trimmed === NO_RESPONSE ? '' : trimmed;
}

/** Splits on `### Label` lines, the shape GitHub gives issue-form bodies; fenced code is left whole. */
function splitFormSections(body: string): Section[] {
  const sections: Section[] = [{ heading: null, text: '' }];
  const lines: string[] = [];
  const fenced = fencedLines(body);
  const flush = (): void => {
    const current = sections[sections.length - 1];
    if (current) current.text = lines.join('\n');
    lines.length = 0;
  };
  for (const [index, line] of body.split('\n').entries()) {
    const heading = fenced[index] ? null : formHeading(line);
    if (heading) {
      flush();
      sections.push({ heading, text: '' });
    } else {
      lines.push(line);
    }
  }
  flush();
  return sections;
}

/**
 * The label of a `### Label` line (closing `#`s dropped, as CommonMark does), or null.
 * Plain string work after an anchored prefix test: the body is untrusted, and the usual
 * lazy-group heading regex takes quadratic time on a long run of spaces.
 */
function formHeading(line: string): string | null {
  const prefix = FORM_HEADING.exec(line);
  if (!prefix) return null;
  return withoutClosingHashes(line.slice(prefix[0].length)).trim() || null;
}

/** `Label ##` → `Label`; `C#` stays (the closing run must follow a space or stand alone). */
function withoutClosingHashes(text: string): string {
  const trimmed = text.trimEnd();
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === '#') end -= 1;
  const before = trimmed[end - 1];
  return end < trimmed.length && (before === undefined || before === ' ' || before === '\t') ? trimmed.slice(0, end) : trimmed;
}

/**
 * Keeps the first `max` code points (a surrogate pair is never split) and appends a
 * visible notice. An unclosed code fence left by the cut is closed first so the notice
 * and the rest of the prompt do not read as code.
 */
function capText(text: string, max: number, label: string): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = 0;
  for (let points = 0; points < max && end < text.length; points += 1) {
    end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  }
  if (end >= text.length) return { text, truncated: false };
  let kept = text.slice(0, end).trimEnd();
  const openFence = unclosedFence(kept);
  if (openFence) kept += `\n${openFence}`;
  return { text: `${kept}\n\n[… ${label} truncated at ${max} characters by wild-plan]`, truncated: true };
}
