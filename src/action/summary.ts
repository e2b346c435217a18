import { agentStatsJson, describeStop, type AgentRunStats } from '../agent/runner.js';
import { formatUsd } from '../agent/prices.js';
import { messageBlock } from '../github/status-comment.js';
import type { AgentRun, PlanOutcome } from '../planning/outcome.js';
import { presentJobSummary } from '../plan/present.js';
import { describePromptUsed, type PromptUsed } from '../prompt/used.js';
import { sanitizeUntrusted } from '../security/sanitize.js';
import { oneLine } from '../text/one-line.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import type { ActionContext } from './context.js';

/** Where the run's results are on GitHub, as far as this run got (publishing knows the PR). */
export interface SummaryLinks {
  issueNumber?: number;
  prNumber?: number;
  prUrl?: string;
  commentUrl?: string;
}

/**
 * The job summary, one top heading and sections one level down: the outcome in a line, the
 * prompt that ran, links, the preflight table, the agent run, the plan overview.
 */
export function renderJobSummary(outcome: PlanOutcome, context: ActionContext, links: SummaryLinks = {}): string {
  const icon = { planned: '✅', aborted: '⛔', invalid: '⚠️' }[outcome.status];
  const parts = [`## ${icon} wild-plan: ${outcome.status}`, '', messageBlock(outcome.message), ''];
  if (outcome.prompt) parts.push(...promptLines(outcome.prompt), '');
  const linkLine = linksLine(links, context);
  if (linkLine) parts.push(linkLine, '');
  parts.push('### Research server preflight', '', formatPreflightTable(outcome.preflight), '');
  if (outcome.run) parts.push('### Agent', '', ...agentSection(outcome.run), '');
  if (outcome.plan && !outcome.plan.abort) {
    parts.push(presentJobSummary(outcome.plan, outcome.findings, { summary: outcome.summary ?? undefined, headingLevel: 3 }), '');
  }
  parts.push(`Session \`${outcome.sessionId}\` · tasks \`${outcome.tasksPath}\` · repository ${context.repo.owner}/${context.repo.repo}`);
  return parts.join('\n');
}

/** The prompt that ran, and wild-plan's note on it when it did not use the server's own. */
export function promptLines(prompt: PromptUsed): string[] {
  const lines = [`📜 **Prompt:** ${describePromptUsed(prompt)}`];
  if (prompt.notice) lines.push('', `> ⚠️ **Note:** ${inert(prompt.notice)}`);
  return lines;
}

function linksLine(links: SummaryLinks, context: ActionContext): string | null {
  const repoUrl = context.serverUrl ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}` : undefined;
  const found: string[] = [];
  if (links.prUrl) found.push(`[plan pull request${links.prNumber === undefined ? '' : ` #${links.prNumber}`}](${links.prUrl})`);
  if (links.commentUrl) found.push(`[plan comment](${links.commentUrl})`);
  if (links.issueNumber !== undefined && repoUrl) found.push(`[issue #${links.issueNumber}](${repoUrl}/issues/${links.issueNumber})`);
  if (context.runUrl) found.push(`[this run](${context.runUrl})`);
  return found.length > 0 ? `🔗 ${found.join(' · ')}` : null;
}

/** The agent's run in a one-row table of the figures it has, then the cap that stopped it, its cost, what it did on the server and how it ran. */
function agentSection(run: AgentRun): string[] {
  const s = agentStatsJson(run.result);
  const count = (n: number | undefined) => (n === undefined ? undefined : n.toLocaleString('en-US'));
  const columns: Array<[string, string | undefined, boolean]> = [
    ['Agent', s.agent === undefined ? undefined : `${cell(s.agent)}${s.version ? ` ${cell(s.version)}` : ''}`, false],
    ['Model', s.model ? cell(s.model) : undefined, false],
    ['Wall time', wallTime(s.wallTimeMs), true],
    ['Turns', count(s.turns), true],
    ['Tool calls', count(s.toolCalls), true],
    ['Tokens in', count(s.inputTokens), true],
    ['Tokens out', count(s.outputTokens), true],
    ['Cost', s.costUsd === undefined ? undefined : `${s.costSource === 'prices' ? '≈ ' : ''}${formatUsd(s.costUsd)}`, true],
  ];
  // Only the figures this runner could tell: a column of dashes says nothing.
  const shown = columns.filter(([, value]) => value !== undefined && value !== '');
  const lines = [
    `| ${shown.map(([name]) => name).join(' | ')} |`,
    `| ${shown.map(([, , right]) => (right ? '---:' : '---')).join(' | ')} |`,
    `| ${shown.map(([, value]) => value).join(' | ')} |`,
    '',
  ];
  if (run.result.stop) lines.push(`⏹️ **Stopped early:** the agent ${describeStop(run.result.stop)}.`);
  const cost = costNote(run.result.stats);
  if (cost) lines.push(`💵 **Cost:** ${cost}`);
  if (run.serverActivity !== null) lines.push(`🧪 **On the research server:** ${inert(run.serverActivity)}`);
  if (run.isolation) {
    const { isolated, kind, reason } = run.isolation;
    const label = !isolated ? '⚠️ **Not isolated:**' : kind === 'namespace' ? '🔒 **Sandboxed:**' : '🔒 **Isolated:**';
    lines.push(`${label} ${inert(reason)}`);
  }
  if (run.changes) {
    // Paths the agent chose: quoted by JSON.stringify in the description, shown as one inert line.
    const changes = inert(run.changes.description).replace(/[<>`|]/g, (c) => `&#${c.charCodeAt(0)};`);
    lines.push('', `📝 **The agent also changed its copy of the repository** (discarded: not committed, not in the checkout): ${changes}`);
  }
  return lines;
}

/** The agent CLIs by the names their makers give them. */
export const CLI_NAMES: Readonly<Record<string, string>> = { 'claude-code': 'Claude Code', opencode: 'OpenCode', codex: 'Codex' };

/**
 * Where the cost figure comes from, or why there is none although tokens were counted; undefined
 * when there is nothing to say (no tokens reported, or a runner that prices nothing).
 */
export function costNote(stats: AgentRunStats | undefined): string | undefined {
  if (!stats) return undefined;
  if (stats.costUsd !== undefined && stats.costSource === 'cli') {
    return `${formatUsd(stats.costUsd)}, as ${CLI_NAMES[stats.agent] ?? cell(stats.agent)} reports it.`;
  }
  if (stats.costUsd !== undefined && stats.pricedModel) {
    const { model, input, output } = stats.pricedModel;
    return `≈ ${formatUsd(stats.costUsd)}, estimated from the list price of ${cell(model)} ($${input} input / $${output} output per million tokens; cached input counted at the full input price).`;
  }
  if (stats.unpriced === undefined) return undefined;
  if (stats.unpriced === '') return 'not shown: the agent did not say which model it used (name it with the `model` input).';
  return `not shown: wild-plan has no price for ${cell(stats.unpriced)} (add one with the \`model-prices\` input).`;
}

/** Text the agent chose, as one clean line. */
function inert(text: string): string {
  return oneLine(sanitizeUntrusted(text));
}

/** A value the agent reported (its model, say), as inert code in a table cell: no backtick, pipe or backslash survives. */
export function cell(text: string): string {
  const short = oneLine(sanitizeUntrusted(text).replace(/[`|\\]/g, ''), 80);
  return short === '' ? '–' : `\`${short}\``;
}

export function wallTime(ms: number): string {
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
