import { agentStatsJson } from '../agent/runner.js';
import { messageBlock } from '../github/status-comment.js';
import type { PlanOutcome } from '../main.js';
import { presentJobSummary } from '../plan/present.js';
import { sanitizeUntrusted } from '../sanitize.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import type { ActionContext } from './context.js';

/** The job summary: the outcome in a line, the preflight table, the agent run, the plan overview. */
export function renderJobSummary(outcome: PlanOutcome, context: ActionContext): string {
  const icon = { planned: '✅', aborted: '⛔', invalid: '⚠️' }[outcome.status];
  const parts = [`### ${icon} wild-plan: ${outcome.status}`, '', messageBlock(outcome.message), '', '#### Research server preflight', '', formatPreflightTable(outcome.preflight), ''];
  if (outcome.agent || outcome.isolation || outcome.agentChanges) parts.push('#### Agent', '', ...agentSection(outcome), '');
  if (outcome.plan && !outcome.plan.abort) {
    parts.push(presentJobSummary(outcome.plan, outcome.findings, { summary: outcome.summary ?? undefined }), '');
  }
  parts.push(`Session \`${outcome.sessionId}\` · tasks \`${outcome.tasksPath}\` · repository ${context.repo.owner}/${context.repo.repo}`);
  return parts.join('\n');
}

/** The agent's run in a one-row table, then how it ran (its own user, or why not). */
function agentSection(outcome: PlanOutcome): string[] {
  const lines: string[] = [];
  if (outcome.agent) {
    const s = agentStatsJson(outcome.agent);
    const count = (n: number | undefined) => (n === undefined ? '–' : n.toLocaleString('en-US'));
    const name = s.agent === undefined ? '–' : `${cell(s.agent)}${s.version ? ` ${cell(s.version)}` : ''}`;
    lines.push(
      '| Agent | Model | Wall time | Turns | Tool calls | Tokens in | Tokens out |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      `| ${name} | ${s.model ? cell(s.model) : '–'} | ${wallTime(s.wallTimeMs)} | ${count(s.turns)} | ${count(s.toolCalls)} | ${count(s.inputTokens)} | ${count(s.outputTokens)} |`,
      '',
    );
  }
  if (outcome.isolation) {
    const { isolated, kind, reason } = outcome.isolation;
    const label = !isolated ? '⚠️ **Not isolated:**' : kind === 'namespace' ? '🔒 **Sandboxed:**' : '🔒 **Isolated:**';
    lines.push(`${label} ${oneLine(reason)}`);
  }
  if (outcome.agentChanges) {
    // Paths the agent chose: quoted by JSON.stringify in the description, shown as one inert line.
    lines.push('', `📝 **The agent also changed its copy of the repository** (discarded: not committed, not in the checkout): ${oneLine(outcome.agentChanges.description).replace(/[<>`|]/g, (c) => `&#${c.charCodeAt(0)};`)}`);
  }
  return lines;
}

function oneLine(text: string): string {
  return sanitizeUntrusted(text).replace(/\s+/g, ' ').trim();
}

/** A value the agent reported (its model, say), as inert code in a table cell. */
function cell(text: string): string {
  const clean = sanitizeUntrusted(text).replace(/[`|\\]/g, '').replace(/\s+/g, ' ').trim();
  const short = clean.length > 80 ? `${clean.slice(0, 79).replace(/[\uD800-\uDBFF]$/, '')}…` : clean;
  return short === '' ? '–' : `\`${short}\``;
}

function wallTime(ms: number): string {
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
