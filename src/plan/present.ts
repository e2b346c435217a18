// A plan as markdown for the sticky PR comment and the job summary, and as JSON for the
// `plan-json` output. GitHub rejects comment bodies over 65,536 characters, so the comment
// is built at decreasing levels of detail until it fits the budget; nothing is ever cut
// in the middle of a table or a fence, and the shortened comment links to the full file.
import { escapeHtmlText, neutralizeHtml } from '../text/html.js';
import { oneLine } from '../text/one-line.js';
import { plural } from '../text/plural.js';
import { blockquote } from '../text/quote.js';
import { cutUnits, truncateAtLine } from '../text/truncate.js';
import { isHttpUrl } from '../text/url.js';
import { escapeHtml, escapeTableCell } from './markdown.js';
import { planFlowchart } from './mermaid.js';
import {
  changesBlock,
  goalLines,
  goalText,
  GOAL_CHARS,
  itemSection,
  revisionLine,
  revisionMarker,
  validRevision,
  type Revision,
} from './present-sections.js';
import { phasesInOrder, taskText } from './present-text.js';
import type { Finding, Phase, Plan, Task } from './types.js';

/** Hidden first line of the sticky plan comment; the lookup that edits it in place searches for it. */
export const PLAN_COMMENT_MARKER = '<!-- wild-plan:plan-comment -->';
export const DEFAULT_MARKER = PLAN_COMMENT_MARKER;
export const DEFAULT_BUDGET = 65_000;

export interface PresentOptions {
  /** Largest body in characters (UTF-16 units, which never undercount GitHub's count). */
  budget?: number;
  /** Link to tasks.md on the plan branch. */
  fileUrl?: string;
  title?: string;
  /** The agent's `<summary>` text. */
  summary?: string;
  /** The goal as planned, quoted short (cut at a word) under the heading. Sanitised by the caller. */
  goal?: string;
  /**
   * The revision this comment shows: a hidden `<!-- wild-plan:revision N -->` line under the
   * marker, "Revision N" and its cause under the heading, and `changes` (pre-rendered, escaped
   * Markdown) under the overview, left out before any of the plan when the budget is tight.
   */
  revision?: Revision;
  /** Hidden first line the sticky-comment lookup searches for. */
  marker?: string;
  /** Level of the plan's title heading (default 2); its sections are one level down. */
  headingLevel?: number;
  /**
   * Lines about the run that wrote the plan (the prompt, the agent, its cost), below the plan at
   * every level of detail. Counted in the budget, so the caller keeps them short.
   */
  footer?: string[];
}

// Detail levels, richest first: full, without mermaid, phases as counts, without tables.
const LEVELS = ['full', 'no-mermaid', 'counts', 'no-tables'] as const;
type Level = (typeof LEVELS)[number];
const MAX_FINDINGS = 50;
const MAX_SUMMARY = 3_000;

interface Context {
  plan: Plan;
  findings: Finding[];
  options: PresentOptions;
  fileLink: string | null;
  revision: Revision | null;
  /** The goal on one line (goalText) and the changes block, worked out once for every layout tried. */
  goal: string | null;
  changes: string | null;
  /** Some task is done or under way: only then are states and progress counts worth showing. */
  progress: boolean;
  /** The planning notes and the analytics contract are shown (the comment, not the job summary). */
  sections: boolean;
  /** `##`-style prefixes for the title and for its sections. */
  h1: string;
  h2: string;
}

/** One layout tried against the budget: a level of detail, with or without the revision's changes. */
interface Attempt {
  level: Level;
  changes: boolean;
}

export function presentPlanComment(plan: Plan, findings: Finding[], options: PresentOptions = {}): string {
  return present(plan, findings, options, LEVELS, options.marker ?? DEFAULT_MARKER);
}

/** The job summary: overview, phase counts and findings; no graph, no task tables, no notes. */
export function presentJobSummary(plan: Plan, findings: Finding[], options: PresentOptions = {}): string {
  return present(plan, findings, options, ['counts', 'no-tables'], null);
}

function present(plan: Plan, findings: Finding[], options: PresentOptions, levels: readonly Level[], marker: string | null): string {
  const budget = Math.max(0, Math.floor(options.budget ?? DEFAULT_BUDGET));
  const level = Math.min(5, Math.max(1, Math.floor(options.headingLevel ?? 2)));
  const c = planCounts(plan);
  const revision = validRevision(options.revision);
  const context: Context = {
    plan,
    findings: sortFindings(findings),
    options,
    fileLink: fileLink(options.fileUrl),
    revision,
    goal: goalText(options.goal, options.title),
    changes: changesBlock(revision?.changes),
    progress: c.done + c.inProgress > 0,
    sections: marker !== null,
    h1: '#'.repeat(level),
    h2: '#'.repeat(level + 1),
  };
  const head = marker === null ? [] : [marker];
  if (marker !== null && revision) head.push(revisionMarker(revision));
  if (plan.abort) return abortNotice(context, head, budget);
  const tries = attempts(levels, context.changes !== null);
  for (const [i, { level, changes }] of tries.entries()) {
    const parts = [
      ...head,
      ...overview(context, MAX_SUMMARY, GOAL_CHARS, changes),
      ...body(context, level),
      ...findingsList(context, MAX_FINDINGS),
      ...footer(context, i > 0),
    ];
    const text = parts.join('\n');
    if (text.length <= budget) return text;
  }
  // Still too long: keep the overview line, then as many findings as fit, then the link.
  const top = [...head, ...overview(context, 300, 200, false)];
  const tail = footer(context, true);
  const room = budget - [...top, ...tail].join('\n').length - 2;
  return fit(
    [
      ...top,
      ...fitList(findingLines(context), room, (n) => `- … and ${n} more findings (run \`wild-plan validate\` on the file)`),
      ...tail,
    ],
    budget,
  );
}

/**
 * The layouts to try, richest first. A revision's changes go before the task tables do (the
 * plan is what is reviewed) but after the graph (which redraws what the tables say).
 */
function attempts(levels: readonly Level[], changes: boolean): Attempt[] {
  return levels.flatMap((level): Attempt[] => {
    const at = (withChanges: boolean): Attempt => ({ level, changes: withChanges });
    if (!changes || level === 'counts' || level === 'no-tables') return [at(false)];
    return level === 'full' ? [at(true)] : [at(true), at(false)];
  });
}

/** Whole lines while they fit; a first line longer than the budget is the only thing ever cut. */
function fit(lines: string[], budget: number): string {
  let text = '';
  for (const line of lines) {
    const next = text === '' ? line : `${text}\n${line}`;
    if (next.length > budget) return text === '' ? cutUnits(line, budget) : text;
    text = next;
  }
  return text;
}

/** As many list lines as fit in `room`, then one "and N more" line. */
function fitList(lines: string[], room: number, more: (n: number) => string): string[] {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const moreLine = i + 1 < lines.length ? more(lines.length - i - 1).length + 1 : 0;
    if (used + lines[i]!.length + 1 + moreLine > room) return [...out, more(lines.length - i)];
    out.push(lines[i]!);
    used += lines[i]!.length + 1;
  }
  return out;
}

function sortFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding): number => (f.severity === 'error' ? 0 : 1);
  return [...findings].sort((a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0));
}

function fileLink(url: string | undefined): string | null {
  // A markdown link destination ends at whitespace.
  if (!url || /\s/.test(url) || !isHttpUrl(url)) return null;
  return url.replace(/[()<>"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A line of the file. GitHub renders a Markdown file's blob page, where `#L12` leads nowhere;
 * `?plain=1` shows its source, where the line is highlighted.
 */
function lineLink(link: string, line: number): string {
  const base = link.replace(/#.*$/, '');
  return `${base}${base.includes('?') ? '&' : '?'}plain=1#L${line}`;
}

/** Distinct phases (a duplicated heading counts once) and tasks by state. */
export function planCounts(plan: Plan): { phases: number; tasks: number; done: number; inProgress: number } {
  const tasks = [...plan.phases.flatMap((p) => p.tasks), ...plan.strayTasks];
  return {
    phases: new Set(plan.phases.map((p) => p.number)).size,
    tasks: tasks.length,
    done: tasks.filter((t) => t.state === 'done').length,
    inProgress: tasks.filter((t) => t.state === 'in-progress').length,
  };
}

/**
 * The heading, the revision, one status line (findings and counts; progress only once some task
 * is done or under way, a zero says nothing), the goal, the agent's summary, and (when asked
 * for) the changes since the last revision.
 */
function overview(context: Context, maxSummary: number, maxGoal: number, changes: boolean): string[] {
  const { plan, findings, options, revision } = context;
  const c = planCounts(plan);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const title = escapeHtml(truncateAtLine(options.title ?? 'Research plan', 200));
  const status = [errors > 0 ? `❌ **${plural(errors, 'contract error')}**` : '✅ **Meets the planning contract**'];
  if (warnings > 0) status.push(plural(warnings, 'warning'));
  status.push(plural(c.phases, 'phase'), plural(c.tasks, 'task'));
  if (context.progress) status.push(`${c.done} done`, `${c.inProgress} in progress`);
  const lines = [`${context.h1} ${title}`, ''];
  if (revision) lines.push(revisionLine(revision), '');
  lines.push(status.join(' · '), '', ...goalLines(context.goal, maxGoal));
  const summary = options.summary?.trim();
  if (summary) {
    // Quoted and HTML-escaped: the agent's text must not forge the sticky marker or close our tags.
    lines.push("**Agent's summary**", blockquote(neutralizeHtml(truncateAtLine(summary, maxSummary))), '');
  }
  // Left out without a word when it does not fit: the footer says the comment was shortened.
  if (changes && context.changes !== null) lines.push(context.changes, '');
  return lines;
}

/** Planning notes, the graph, the phases, the contract: as much of each as the level keeps. */
function body(context: Context, level: Level): string[] {
  const { plan, h2, progress } = context;
  const sections = context.sections && level !== 'no-tables';
  const phases = phasesInOrder(plan.phases);
  const lines: string[] = sections ? itemSection('Planning notes', h2, plan.notes?.items) : [];
  if (level === 'full') {
    const chart = planFlowchart(plan);
    if (chart) lines.push(`${h2} Dependency graph`, '', '```mermaid', chart, '```', '');
  }
  if (level === 'full' || level === 'no-mermaid') {
    lines.push(`${h2} Phases`, '');
    for (const phase of phases) lines.push(...phaseDetails(phaseHeading(phase), phase.tasks, progress));
    if (plan.strayTasks.length > 0) lines.push(...phaseDetails('Tasks outside any phase', plan.strayTasks, progress));
  } else if (level === 'counts' && phases.length > 0) {
    lines.push(`${h2} Phases`, '', `| Phase | Title | Tasks |${progress ? ' Done |' : ''}`, `|---:|---|---:|${progress ? '---:|' : ''}`);
    for (const phase of phases) {
      const done = progress ? ` ${phase.tasks.filter((t) => t.state === 'done').length} |` : '';
      lines.push(`| ${phase.number} | ${escapeTableCell(phase.title)} | ${phase.tasks.length} |${done}`);
    }
    lines.push('');
  }
  if (sections) lines.push(...itemSection('Metrics and analytics contract', h2, plan.contract?.items));
  return lines;
}

function phaseHeading(phase: Phase): string {
  return `Phase ${phase.number}${phase.title ? ` — ${phase.title}` : ''}`;
}

const STATE_ICON: Record<Task['state'], string> = { todo: '⬜', done: '✅', 'in-progress': '🔄' };

/**
 * One phase, folded: its task table, with a state column and done counts only on a plan in
 * progress (on a fresh plan every box is empty, and a column of ⬜ says nothing).
 */
function phaseDetails(heading: string, tasks: Task[], progress: boolean): string[] {
  const summary = [`<b>${htmlText(heading)}</b>`, plural(tasks.length, 'task')];
  if (progress) {
    const inProgress = tasks.filter((t) => t.state === 'in-progress').length;
    summary.push(`${tasks.filter((t) => t.state === 'done').length} done`);
    if (inProgress > 0) summary.push(`${inProgress} in progress`);
  }
  const lines = ['<details>', `<summary>${summary.join(' · ')}</summary>`, ''];
  if (tasks.length > 0) {
    lines.push(progress ? '| | ID | Task | Deliverable | Done when |' : '| ID | Task | Deliverable | Done when |');
    lines.push(progress ? '|:-:|---|---|---|---|' : '|---|---|---|---|');
    for (const t of tasks) {
      const cells = [t.id ?? '—', taskText(t), t.deliverable ?? '—', t.doneWhen ?? '—'].map(escapeTableCell);
      lines.push(`| ${progress ? `${STATE_ICON[t.state]} | ` : ''}${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('</details>', '');
  return lines;
}

/** Text inside an HTML element (`<summary>`), where markdown is not rendered. */
function htmlText(text: string): string {
  return escapeHtmlText(oneLine(text));
}

function findingLines(context: Context): string[] {
  const link = context.fileLink;
  return context.findings.map((f) => {
    const icon = f.severity === 'error' ? '❌' : '⚠️';
    const where = f.line === null ? '' : link ? ` ([line ${f.line}](${lineLink(link, f.line)}))` : ` (line ${f.line})`;
    return `- ${icon} \`${f.rule}\`${where}: ${escapeHtml(f.message)}`;
  });
}

function findingsList(context: Context, max: number): string[] {
  if (context.findings.length === 0) return [];
  const lines = findingLines(context);
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push(`- … and ${lines.length - max} more findings (run \`wild-plan validate\` on the file)`);
  return [`${context.h2} Findings`, '', ...shown, ''];
}

function footer(context: Context, shortened: boolean): string[] {
  const { fileLink: link } = context;
  const run = context.options.footer?.length ? ['', ...context.options.footer] : [];
  if (!link) return [...(shortened ? ['_Shortened to fit the comment size limit._'] : []), ...run];
  return [
    shortened ? `_Shortened to fit the comment size limit: the full plan is in [tasks.md](${link})._` : `📄 Full plan: [tasks.md](${link})`,
    ...run,
  ];
}

/** Abort checklists are not plans: say why planning stopped instead of drawing empty tables. */
function abortNotice(context: Context, head: string[], budget: number): string {
  const { plan } = context;
  const reasons = plan.abortReasons.length > 0 ? plan.abortReasons : ['(the checklist names no reason)'];
  const top = [
    ...head,
    `${context.h1} ⛔ Planning aborted: the research server preflight failed`,
    '',
    'The Wild server docs/API checks failed, so no plan was written and no sweeps or runs were created. Fix the server, then run wild-plan again.',
    '',
    '**Failed checks**',
    '',
  ];
  const tail = ['', ...footer(context, false)];
  const room = budget - [...top, ...tail].join('\n').length - 1;
  const list = fitList(
    reasons.map((r) => `- ${escapeHtml(truncateAtLine(r, 2_000))}`),
    room,
    (n) => `- … and ${n} more`,
  );
  return fit([...top, ...list, ...tail], budget);
}

export interface PlanJson {
  version: 1;
  abort: boolean;
  abortReasons: string[];
  fenced: boolean;
  counts: { phases: number; tasks: number; done: number; inProgress: number; todo: number };
  notes: Plan['notes'];
  phases: Phase[];
  strayTasks: Task[];
  contract: Plan['contract'];
}

/** A detached, JSON-safe copy for the `plan-json` output. */
export function planToJson(plan: Plan): PlanJson {
  const c = planCounts(plan);
  return structuredClone({
    version: 1 as const,
    abort: plan.abort,
    abortReasons: plan.abortReasons,
    fenced: plan.fenced,
    counts: { ...c, todo: c.tasks - c.done - c.inProgress },
    notes: plan.notes,
    phases: plan.phases,
    strayTasks: plan.strayTasks,
    contract: plan.contract,
  });
}
