// A plan as markdown for the sticky PR comment and the job summary, and as JSON for the
// `plan-json` output. GitHub rejects comment bodies over 65,536 characters, so the comment
// is built at decreasing levels of detail until it fits the budget; nothing is ever cut
// in the middle of a table or a fence, and the shortened comment links to the full file.
import { escapeHtmlText, neutralizeHtml } from '../text/html.js';
import { oneLine } from '../text/one-line.js';
import { blockquote } from '../text/quote.js';
import { cutUnits, truncateAtLine } from '../text/truncate.js';
import { isHttpUrl } from '../text/url.js';
import { escapeHtml, escapeTableCell } from './markdown.js';
import { planFlowchart } from './mermaid.js';
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
  /** `##`-style prefixes for the title and for its sections. */
  h1: string;
  h2: string;
}

export function presentPlanComment(plan: Plan, findings: Finding[], options: PresentOptions = {}): string {
  return present(plan, findings, options, LEVELS, options.marker ?? DEFAULT_MARKER);
}

/** The job summary: overview, phase counts and findings; no graph, no task tables. */
export function presentJobSummary(plan: Plan, findings: Finding[], options: PresentOptions = {}): string {
  return present(plan, findings, options, ['counts', 'no-tables'], null);
}

function present(plan: Plan, findings: Finding[], options: PresentOptions, levels: readonly Level[], marker: string | null): string {
  const budget = Math.max(0, Math.floor(options.budget ?? DEFAULT_BUDGET));
  const level = Math.min(5, Math.max(1, Math.floor(options.headingLevel ?? 2)));
  const context: Context = {
    plan,
    findings: sortFindings(findings),
    options,
    fileLink: fileLink(options.fileUrl),
    h1: '#'.repeat(level),
    h2: '#'.repeat(level + 1),
  };
  const head = marker === null ? [] : [marker];
  if (plan.abort) return abortNotice(context, head, budget);
  for (const level of levels) {
    const parts = [
      ...head,
      ...overview(context, level !== 'no-tables', MAX_SUMMARY),
      ...body(context, level),
      ...findingsList(context, MAX_FINDINGS),
      ...footer(context, level !== levels[0]),
    ];
    const text = parts.join('\n');
    if (text.length <= budget) return text;
  }
  // Still too long: keep the overview line, then as many findings as fit, then the link.
  const top = [...head, ...overview(context, false, 300)];
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

function overview(context: Context, table: boolean, maxSummary: number): string[] {
  const { plan, findings, options } = context;
  const c = planCounts(plan);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const title = escapeHtml(truncateAtLine(options.title ?? 'Research plan', 200));
  const status = errors > 0 ? `❌ **${errors} contract error${errors === 1 ? '' : 's'}**` : '✅ **Meets the planning contract**';
  const lines = [`${context.h1} ${title}`, '', `${status} · ${warnings} warning${warnings === 1 ? '' : 's'}`, ''];
  if (table) {
    lines.push('| Phases | Tasks | Done | In progress | Errors | Warnings |', '|---:|---:|---:|---:|---:|---:|');
    lines.push(`| ${c.phases} | ${c.tasks} | ${c.done} | ${c.inProgress} | ${errors} | ${warnings} |`, '');
  } else {
    lines.push(`${c.phases} phases · ${c.tasks} tasks · ${c.done} done · ${c.inProgress} in progress`, '');
  }
  const summary = options.summary?.trim();
  if (summary) {
    // Quoted and HTML-escaped: the agent's text must not forge the sticky marker or close our tags.
    lines.push(blockquote(neutralizeHtml(truncateAtLine(summary, maxSummary))), '');
  }
  return lines;
}

function body(context: Context, level: Level): string[] {
  const { plan, h2 } = context;
  const lines: string[] = [];
  if (level === 'full') {
    const chart = planFlowchart(plan);
    if (chart) lines.push(`${h2} Dependency graph`, '', '```mermaid', chart, '```', '');
  }
  if (level === 'full' || level === 'no-mermaid') {
    lines.push(`${h2} Phases`, '');
    for (const phase of plan.phases) lines.push(...phaseDetails(phaseHeading(phase), phase.tasks));
    if (plan.strayTasks.length > 0) lines.push(...phaseDetails('Tasks outside any phase', plan.strayTasks));
  } else if (level === 'counts' && plan.phases.length > 0) {
    lines.push(`${h2} Phases`, '', '| Phase | Title | Tasks | Done |', '|---:|---|---:|---:|');
    for (const phase of plan.phases) {
      const done = phase.tasks.filter((t) => t.state === 'done').length;
      lines.push(`| ${phase.number} | ${escapeTableCell(phase.title)} | ${phase.tasks.length} | ${done} |`);
    }
    lines.push('');
  }
  return lines;
}

function phaseHeading(phase: Phase): string {
  return `Phase ${phase.number}${phase.title ? ` — ${phase.title}` : ''}`;
}

const STATE_ICON: Record<Task['state'], string> = { todo: '⬜', done: '✅', 'in-progress': '🔄' };

function phaseDetails(heading: string, tasks: Task[]): string[] {
  const done = tasks.filter((t) => t.state === 'done').length;
  const summary = `<b>${htmlText(heading)}</b> · ${tasks.length} task${tasks.length === 1 ? '' : 's'} · ${done} done`;
  const lines = ['<details>', `<summary>${summary}</summary>`, ''];
  if (tasks.length > 0) {
    lines.push('| | ID | Task | Deliverable | Done when | Depends on |', '|:-:|---|---|---|---|---|');
    for (const t of tasks) {
      const cells = [t.id ?? '—', t.description, t.deliverable ?? '—', t.doneWhen ?? '—', t.dependencies.join(', ') || '—'];
      lines.push(`| ${STATE_ICON[t.state]} | ${cells.map(escapeTableCell).join(' | ')} |`);
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
  return context.findings.map((f) => {
    const icon = f.severity === 'error' ? '❌' : '⚠️';
    const where = f.line === null ? '' : ` (line ${f.line})`;
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
