// What the plan comment's research-loop section says: the plan's state on the research server
// (registered, approved by whom), the loop's state, progress, last iteration and drift from the
// approved revision. Pure; every text from the server or the loop's plan is foreign and goes
// through the same sanitising as the rest of the comment.
import { createHash } from 'node:crypto';
import type { RepoRef } from '../github/client.js';
import { changeLines, tasksUnchanged } from '../plan/revisions.js';
import type { Drift, Progress } from '../plan/loop.js';
import { neutralizeMentions } from '../security/mentions.js';
import { sanitizeUntrusted } from '../security/sanitize.js';
import type { LoopSession, PlanRecord } from '../server/research.js';
import { neutralizeHtml } from '../text/html.js';
import { oneLine } from '../text/one-line.js';
import { plural } from '../text/plural.js';
import { truncate } from '../text/truncate.js';

/**
 * The loop's chat session for one issue: stable across runs, so every command finds the same
 * loop and plan record (the server files plans under it too). Readable, with a hash so that
 * `a-b/c` and `a/b-c` never share one.
 */
export function chatSessionFor(repo: RepoRef, issue: number): string {
  const full = `${repo.owner}/${repo.repo}#${issue}`;
  const slug = `${repo.owner}-${repo.repo}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60);
  return `wild-plan-${slug}-${issue}-${createHash('sha256').update(full).digest('hex').slice(0, 6)}`;
}

/** The review note wild-plan files in the server plan's sections, and reads back for drift and the comment. */
export const REVIEW_SECTION = 'Review on GitHub';
const APPROVAL = /^Revision (\d+) approved by @([A-Za-z0-9-]+(?:\[bot\])?)/;

export function approvalNote(revision: number | null, login: string, where: string): string {
  return `Revision ${revision ?? '?'} approved by @${login} on GitHub (${where}).`;
}

export function approvalOf(plan: PlanRecord): { revision: number | null; by: string } | null {
  const note = plan.sections?.[REVIEW_SECTION];
  const match = typeof note === 'string' ? APPROVAL.exec(note) : null;
  if (!match || plan.status === 'draft') return null;
  return { revision: Number(match[1]) || null, by: match[2] ?? '?' };
}

export interface LoopView {
  plan?: PlanRecord | null;
  /** The server has no /plans: the comment says so once, here. */
  plansUnsupported?: boolean;
  session?: LoopSession | null;
  progress?: Progress;
  drift?: Drift;
  lastIteration?: { heading: string; text: string } | null;
  /** Sweeps and runs the loop created on the server. */
  experiments?: { sweeps: number; runs: number };
  /** One line about what this command did ("Paused by @alice."). */
  event?: string;
}

/** Drift lines shown; a loop that replanned everything is summarised, not listed. */
const MAX_DRIFT_LINES = 12;
const STATE_ICON: Record<string, string> = { running: '🟢', paused: '⏸️', stopped: '⏹️', done: '✅', failed: '❌' };

export function loopSection(view: LoopView): string {
  const lines = ['### 🔬 Research server'];
  if (view.plansUnsupported) {
    lines.push(
      '',
      'This research server keeps no plan records (`/plans` answered 404): approving here is not mirrored there. `/wild-plan run` still starts the loop with this plan.',
    );
  } else if (view.plan) {
    const approval = approvalOf(view.plan);
    const state = approval
      ? `approved: revision ${approval.revision ?? '?'} by @${approval.by}`
      : view.plan.status === 'draft'
        ? 'a draft waiting for approval (approve this pull request)'
        : view.plan.status;
    lines.push('', `Plan \`${code(view.plan.id)}\` on the server: ${state}.`);
  }
  const s = view.session;
  if (s) {
    const icon = STATE_ICON[s.status] ?? '•';
    const iteration = s.iteration == null ? '' : ` · iteration ${s.iteration}${s.max_iterations ? ` of ${s.max_iterations}` : ''}`;
    lines.push('', `${icon} **Loop ${code(s.status)}**${iteration} · session \`${code(s.session_id)}\``);
  }
  if (view.progress && view.progress.total > 0) {
    const p = view.progress;
    const parts = [p.done && `${p.done} done`, p.inProgress && `${p.inProgress} in progress`, p.open && `${p.open} open`].filter(Boolean);
    lines.push(`Tasks: ${parts.join(' · ')} (of ${plural(p.total, 'task')}).`);
  }
  if (view.experiments && (view.experiments.sweeps > 0 || view.experiments.runs > 0)) {
    lines.push(`Created on the server: ${plural(view.experiments.sweeps, 'sweep')}, ${plural(view.experiments.runs, 'run')}.`);
  }
  if (view.lastIteration) {
    lines.push('', `**${inline(view.lastIteration.heading, 80)}:** ${inline(view.lastIteration.text, 400)}`);
  }
  if (view.drift) lines.push('', ...driftLines(view.drift, view.plan ? (approvalOf(view.plan)?.revision ?? null) : null));
  if (view.event) lines.push('', inline(view.event, 400));
  if (s && (s.status === 'running' || s.status === 'paused')) {
    lines.push('', '<sub>`/wild-plan status` · `/wild-plan pause` · `resume` · `stop` · `steer <text>`</sub>');
  }
  return neutralizeMentions(lines.join('\n'));
}

function driftLines(drift: Drift, revision: number | null): string[] {
  const against = revision === null ? 'the reviewed plan' : `approved revision ${revision}`;
  const adopted = drift.adopted ? `Iteration 0 adopted ${against}.` : `⚠️ Iteration 0 did not adopt ${against} as it was.`;
  if (tasksUnchanged(drift.changes) && drift.changes.phasesAdded.length === 0 && drift.changes.phasesRemoved.length === 0) {
    return [`${adopted} No drift: the loop follows it.`];
  }
  const lines = changeLines(drift.changes);
  const shown =
    lines.length > MAX_DRIFT_LINES ? [...lines.slice(0, MAX_DRIFT_LINES - 1), `- … and ${lines.length - MAX_DRIFT_LINES + 1} more`] : lines;
  return [`${adopted} **Drift from ${against}:**`, ...shown];
}

function inline(text: string, max: number): string {
  return neutralizeHtml(truncate(oneLine(sanitizeUntrusted(text)), max));
}

function code(text: string): string {
  return oneLine(sanitizeUntrusted(text))
    .replace(/[`|\\]/g, '')
    .slice(0, 80);
}
