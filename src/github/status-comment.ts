import { createHash } from 'node:crypto';
import { neutralizeHtml } from '../text/html.js';
import { longestRun } from '../text/markdown.js';
import { plural } from '../text/plural.js';
import { blockquote } from '../text/quote.js';
import { cutUnits, truncate } from '../text/truncate.js';
import { MAX_COMMENT_CHARS } from './comments.js';
import { neutralizeMentions } from '../security/mentions.js';

/** Marks the one status comment per issue; edited in place from "started" to the result. */
export const STATUS_MARKER = '<!-- wild-plan:status -->';

export type StatusState =
  | { kind: 'started'; trigger: string; steer?: string }
  | { kind: 'planned'; prUrl?: string; prNumber?: number; counts: string; findings: number; summary?: string | null; note?: string }
  | { kind: 'aborted'; preflightTable: string; checklist: string; message: string }
  | { kind: 'invalid'; message: string; findings?: string }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

export interface StatusContext {
  runUrl?: string;
  dryRun?: boolean;
  /** Carried from run to run in every state (see PlanCommentRecord). */
  planComment?: PlanCommentRecord;
}

/**
 * What wild-plan remembers of the plan comment it left, kept hidden in the status comment, which
 * every run reads (or writes) before its agent starts and writes last: on which pull request the
 * plan comment is, its id, and a digest of its text. A run that would post the same text on the
 * same pull request leaves the comment as it is and links it by that id; any other run looks
 * the comment up as before (the id is never trusted to say which comment to edit).
 */
export interface PlanCommentRecord {
  pr: number;
  id: number;
  digest: string;
}

const PLAN_COMMENT_RECORD = /^<!-- wild-plan:plan-comment-record pr=([1-9][0-9]{0,14}) id=([1-9][0-9]{0,14}) digest=([0-9a-f]{16}) -->$/m;

/** The record a status comment carries, or null (none, or not one wild-plan wrote). */
export function readPlanCommentRecord(body: string | null | undefined): PlanCommentRecord | null {
  const match = PLAN_COMMENT_RECORD.exec(body ?? '');
  if (!match) return null;
  return { pr: Number(match[1]), id: Number(match[2]), digest: match[3]! };
}

/** The digest a record keeps of a plan comment's text. */
export function planCommentDigest(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** The status comment's markdown for one state of the run; always within GitHub's limit. */
export function renderStatusComment(state: StatusState, context: StatusContext): string {
  const run = context.runUrl ? ` ([run](${context.runUrl}))` : '';
  const lines: string[] = [STATUS_MARKER];
  // Hidden, and first after the marker so the size clamp at the end never cuts it.
  const record = context.planComment;
  if (record) lines.push(`<!-- wild-plan:plan-comment-record pr=${record.pr} id=${record.id} digest=${record.digest} -->`);
  switch (state.kind) {
    case 'started':
      lines.push(`### 🔄 wild-plan is planning${run}`, '', `Started by ${state.trigger}. This comment is updated when the plan is ready.`);
      if (state.steer) lines.push('', '**Steer:**', '', blockquote(untrusted(state.steer, MAX_QUOTE)));
      break;
    case 'planned':
      lines.push(
        `### ✅ Plan ready${state.prUrl ? `: [#${state.prNumber}](${state.prUrl})` : ''}`,
        '',
        `${state.counts}${state.findings ? ` · ${plural(state.findings, 'finding')} to review` : ''}${run}`,
      );
      if (state.summary) lines.push('', blockquote(untrusted(state.summary, MAX_QUOTE)));
      if (state.note) lines.push('', state.note);
      lines.push(
        '',
        `Comment \`/wild-plan <what to change>\` ${state.prUrl ? 'on the pull request' : 'here'} to re-plan with your direction.`,
      );
      break;
    case 'aborted':
      lines.push(
        `### ⛔ Planning aborted: the research server failed preflight${run}`,
        '',
        state.message,
        '',
        state.preflightTable,
        '',
        details('Abort checklist', state.checklist),
        '',
        'Fix the server or the `server-url` / `server-token` inputs, then add the label again or comment `/wild-plan`.',
      );
      break;
    case 'invalid':
      lines.push(`### ⚠️ No usable plan${run}`, '', messageBlock(state.message));
      if (state.findings) lines.push('', state.findings);
      break;
    case 'failed':
      lines.push(`### ❌ wild-plan failed${run}`, '', fence(state.message), '', 'See the run log for details; fix the cause and re-run.');
      break;
    case 'cancelled':
      lines.push(`### ⏹️ The run was cancelled before it finished${run}`, '', 'Nothing was published. Comment `/wild-plan` to try again.');
      break;
  }
  if (context.dryRun) lines.push('', '_Dry run: nothing was pushed._');
  // Mentions before the clamp: the joiners count against the limit too.
  return clamp(neutralizeMentions(lines.join('\n')));
}

/** Longest steer or summary quoted in the status comment; the rest is in the run log and the PR. */
const MAX_QUOTE = 3_000;

/** Text someone else wrote (a steer comment, the agent's summary), quoted as prose: cut, no raw HTML. */
function untrusted(text: string, max: number): string {
  return neutralizeHtml(truncate(text, max));
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${fence(body)}\n\n</details>`;
}

/**
 * A pipeline message as markdown: its first line is ours and stays prose; the lines after it
 * quote the agent's output, which is untrusted (markup, @mentions, control bytes), so they go
 * in a fence.
 */
export function messageBlock(message: string): string {
  const [headline = '', ...detail] = message.split('\n');
  const rest = detail.join('\n');
  return rest.trim() ? `${headline}\n\n${fence(rest)}` : headline;
}

/** A code fence longer than any backtick run inside, so text cannot break out of it. */
export function fence(text: string, lang = ''): string {
  // Measured after the control characters are gone: removing one can join two backtick runs.
  const body = printable(text);
  const ticks = '`'.repeat(Math.max(2, longestRun(body, '`')) + 1);
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

/** Text without control characters (terminal escapes, NUL) or U+FFFD runs from broken UTF-8. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '').replace(/\uFFFD+/g, '\uFFFD');
}

function clamp(body: string): string {
  const limit = MAX_COMMENT_CHARS - 200;
  return body.length <= limit ? body : `${cutUnits(body, limit)}\n\n_…cut to fit GitHub's comment limit; see the run log._`;
}
