import { agentStatsJson } from '../agent/runner.js';
import { messageBlock } from '../github/status-comment.js';
import type { AgentRun, PlanOutcome } from '../planning/outcome.js';
import { presentJobSummary } from '../plan/present.js';
import { sanitizeUntrusted } from '../security/sanitize.js';
import { oneLine } from '../text/one-line.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import type { ActionContext } from './context.js';

/** The job summary: the outcome in a line, the preflight table, the agent run, the plan overview. */
export function renderJobSummary(outcome: PlanOutcome, context: ActionContext): string {
  const icon = { planned: '✅', aborted: '⛔', invalid: '⚠️' }[outcome.status];
  const parts = [
    `### ${icon} wild-plan: ${outcome.status}`,
    '',
    messageBlock(outcome.message),
    '',
    '#### Research server preflight',
    '',
    formatPreflightTable(outcome.preflight),
    '',
  ];
  if (outcome.run) parts.push('#### Agent', '', ...agentSection(outcome.run), '');
  if (outcome.plan && !outcome.plan.abort) {
    parts.push(presentJobSummary(outcome.plan, outcome.findings, { summary: outcome.summary ?? undefined }), '');
  }
  parts.push(`Session \`${outcome.sessionId}\` · tasks \`${outcome.tasksPath}\` · repository ${context.repo.owner}/${context.repo.repo}`);
  return parts.join('\n');
}

/** The agent's run in a one-row table, then how it ran (its own user, or why not), and what else it changed. */
function agentSection(run: AgentRun): string[] {
  const s = agentStatsJson(run.result);
  const count = (n: number | undefined) => (n === undefined ? '–' : n.toLocaleString('en-US'));
  const name = s.agent === undefined ? '–' : `${cell(s.agent)}${s.version ? ` ${cell(s.version)}` : ''}`;
  const lines = [
    '| Agent | Model | Wall time | Turns | Tool calls | Tokens in | Tokens out |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    `| ${name} | ${s.model ? cell(s.model) : '–'} | ${wallTime(s.wallTimeMs)} | ${count(s.turns)} | ${count(s.toolCalls)} | ${count(s.inputTokens)} | ${count(s.outputTokens)} |`,
    '',
  ];
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

/** Text the agent chose, as one clean line. */
function inert(text: string): string {
  return oneLine(sanitizeUntrusted(text));
}

/** A value the agent reported (its model, say), as inert code in a table cell: no backtick, pipe or backslash survives. */
function cell(text: string): string {
  const short = oneLine(sanitizeUntrusted(text).replace(/[`|\\]/g, ''), 80);
  return short === '' ? '–' : `\`${short}\``;
}

function wallTime(ms: number): string {
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
