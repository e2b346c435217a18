import { messageBlock } from '../github/status-comment.js';
import type { PlanOutcome } from '../main.js';
import { presentJobSummary } from '../plan/present.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import type { ActionContext } from './context.js';

/** The job summary: the outcome in a line, the preflight table, the plan overview. */
export function renderJobSummary(outcome: PlanOutcome, context: ActionContext): string {
  const icon = { planned: '✅', aborted: '⛔', invalid: '⚠️' }[outcome.status];
  const parts = [`### ${icon} wild-plan: ${outcome.status}`, '', messageBlock(outcome.message), '', '#### Research server preflight', '', formatPreflightTable(outcome.preflight), ''];
  if (outcome.plan && !outcome.plan.abort) {
    parts.push(presentJobSummary(outcome.plan, outcome.findings, { summary: outcome.summary ?? undefined }), '');
  }
  parts.push(`Session \`${outcome.sessionId}\` · tasks \`${outcome.tasksPath}\` · repository ${context.repo.owner}/${context.repo.repo}`);
  return parts.join('\n');
}
