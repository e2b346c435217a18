// The banner a plan comment gets when its issue changed after planning: which revision is
// stale, what changed (a short diff of the goal), and how to re-plan. Pure; placed under the
// comment's marker line, replacing any banner an earlier edit left.
import { renderWordDiff } from '../plan/revisions.js';
import { neutralizeMentions } from '../security/mentions.js';
import { sanitizeUntrusted } from '../security/sanitize.js';
import { oneLine } from '../text/one-line.js';
import { withSection } from './comment-sections.js';

const REVISION = /<!-- wild-plan:revision (\d{1,9}) -->/;

export interface StaleEdit {
  editor: string;
  title: string;
  body: string | null;
  before: { title?: string; body?: string | null };
}

/** The revision a plan comment shows (its hidden revision line), or null for one without. */
export function commentRevision(body: string): number | null {
  const match = REVISION.exec(body);
  return match ? Number(match[1]) : null;
}

export function staleBanner(edit: StaleEdit, revision: number | null): string {
  const which = revision === null ? 'this plan was made' : `revision ${revision} was planned`;
  const lines = [`> [!WARNING]`, `> **The issue changed after ${which}** (edited by @${oneLine(sanitizeUntrusted(edit.editor), 40)}).`];
  if (edit.before.title !== undefined) lines.push(`> Title: ${renderWordDiff(edit.before.title, edit.title, 240)}`);
  if (edit.before.body !== undefined)
    lines.push(
      `> Goal: ${renderWordDiff(oneLine(sanitizeUntrusted(edit.before.body ?? '')), oneLine(sanitizeUntrusted(edit.body ?? '')), 600)}`,
    );
  lines.push('> This plan does not reflect the change. To re-plan from the issue as it is now, comment `/wild-plan` on this pull request.');
  return neutralizeMentions(lines.join('\n'));
}

/** The comment with `banner` right under its first line (the marker), in place of an earlier one. */
export function withBanner(comment: string, banner: string): string {
  return withSection(comment, 'stale', banner);
}
