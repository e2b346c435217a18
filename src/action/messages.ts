// The words wild-plan posts about a plan: the plan PR's title and description, the sticky plan
// comment, the issue title as shown everywhere. Built to fit GitHub's limits and ping nobody.
import { formatUsd } from '../agent/prices.js';
import { agentStatsJson, describeStop } from '../agent/runner.js';
import { postableBody } from '../github/comments.js';
import { PLAN_COMMENT_MARKER, presentPlanComment } from '../plan/present.js';
import type { Finding, Plan } from '../plan/types.js';
import type { AgentRun } from '../planning/outcome.js';
import { describePromptUsed, type PromptUsed } from '../prompt/used.js';
import { neutralizeDeep, neutralizeMentions } from '../security/mentions.js';
import { sanitizeUntrusted } from '../security/sanitize.js';
import { neutralizeHtml } from '../text/html.js';
import { oneLine } from '../text/one-line.js';
import { plural } from '../text/plural.js';
import { blockquote } from '../text/quote.js';
import { truncate } from '../text/truncate.js';
import { cell, CLI_NAMES } from './summary.js';
import type { PlanTarget } from './target.js';

export { PLAN_COMMENT_MARKER };
const PR_MARKER = '<!-- wild-plan:pull-request -->';

/** Longest agent summary quoted in the PR body: the plan comment and the files hold the rest. */
const PR_SUMMARY_CHARS = 3_000;
/** GitHub refuses longer titles. */
const MAX_TITLE_CHARS = 256;

/** The issue title as wild-plan shows it (PR title, comment heading, commit subject): one clean line. */
export function displayTitle(title: string | undefined): string | undefined {
  if (title === undefined) return undefined;
  return oneLine(sanitizeUntrusted(title), 200) || undefined;
}

/** The plan PR's description: what it holds, the agent's summary (cut, quoted), how to re-plan. */
export function pullRequestBody(
  target: Pick<PlanTarget, 'number'>,
  outcome: { summary: string | null; tasksPath: string; playbookPath: string },
  counts: string,
): string {
  const lines = [
    PR_MARKER,
    `The research plan for ${target.number ? `#${target.number}` : 'the goal below'}, written by wild-plan (${counts}).`,
    '',
  ];
  if (outcome.summary) {
    lines.push(blockquote(neutralizeHtml(truncate(outcome.summary, PR_SUMMARY_CHARS))), '');
  }
  lines.push(
    `- \`${outcome.tasksPath}\` — the phased task plan`,
    `- \`${outcome.playbookPath}\` — the prompt-skill playbook`,
    '',
    'Review it like code. To re-plan with your direction, comment `/wild-plan <what to change>` here.',
  );
  if (target.number) lines.push('', `Refs #${target.number}`);
  return postableBody(lines.join('\n'));
}

/** The plan PR's title from the (display) issue title: no pings, within GitHub's limit. */
export function pullRequestTitle(title: string | undefined): string {
  const text = neutralizeMentions(`Plan: ${title ?? 'research goal'}`);
  return truncate(text, MAX_TITLE_CHARS);
}

export interface PlanCommentOptions {
  /** The display title (displayTitle). */
  title?: string;
  /** The agent's `<summary>` text. */
  summary?: string;
  /** The goal as planned (untrusted: the issue's text), quoted short under the heading. */
  goal?: string;
  /** Blob URL of tasks.md on the plan branch: the shortened comment and each finding's line link to it. */
  fileUrl?: string;
  /** Our word below the plan (a fork, a plan the base branch already holds). */
  note?: string;
  run?: AgentRun | null;
  prompt?: PromptUsed;
  /**
   * The revision this plan is: `changes` is renderChanges' Markdown (already escaped), `cause`
   * one untrusted line such as "re-planned from @alice's review".
   */
  revision?: { number: number; changes?: string; cause?: string };
}

/** The whole plan comment, note included, stays within this many characters. */
const PLAN_COMMENT_BUDGET = 65_000;
/** Longest note: it names a branch at most, and the plan's budget gives way to it. */
const NOTE_CHARS = 2_000;

/**
 * The sticky plan comment: the plan at the richest detail that fits, and our note (fork, merged
 * plan) below it. Mentions are neutralised in the plan, findings, title, summary, goal and
 * revision before the comment is laid out, so its size budget counts the joiners too (and in
 * the note, which names a branch, and whose length the plan's budget leaves room for).
 */
export function planCommentBody(plan: Plan, findings: Finding[], options: PlanCommentOptions): string {
  const note = options.note ? `\n\n> ${neutralizeMentions(oneLine(options.note, NOTE_CHARS))}` : '';
  const body = presentPlanComment(neutralizeDeep(plan), neutralizeDeep(findings), {
    marker: PLAN_COMMENT_MARKER,
    budget: Math.max(0, PLAN_COMMENT_BUDGET - note.length),
    title: options.title === undefined ? undefined : neutralizeMentions(options.title),
    summary: options.summary ? neutralizeMentions(options.summary) : undefined,
    goal: options.goal ? neutralizeMentions(sanitizeUntrusted(options.goal)) : undefined,
    revision: options.revision && {
      number: options.revision.number,
      changes: options.revision.changes === undefined ? undefined : neutralizeMentions(options.revision.changes),
      cause: options.revision.cause === undefined ? undefined : neutralizeMentions(oneLine(sanitizeUntrusted(options.revision.cause))),
    },
    fileUrl: options.fileUrl,
    footer: runFooter(options).map((line) => neutralizeMentions(line)),
  });
  return `${body}${note}`;
}

/** Longest footer line: the plan comment's budget counts the footer, which must stay small beside the plan. */
const FOOTER_LINE_CHARS = 1_000;

/**
 * The plan comment's last lines: which prompt ran (and wild-plan's note when it was not the
 * server's own), and the agent run in one line: who, which model, turns, tokens, cost, the cap
 * that stopped it, what it did on the research server.
 */
export function runFooter(outcome: { run?: AgentRun | null; prompt?: PromptUsed }): string[] {
  const lines: string[] = [];
  if (outcome.prompt) {
    lines.push(`<sub>📜 Prompt: ${describePromptUsed(outcome.prompt)}</sub>`);
    if (outcome.prompt.notice) lines.push('', `> ⚠️ **Note:** ${oneLine(sanitizeUntrusted(outcome.prompt.notice), FOOTER_LINE_CHARS)}`);
  }
  const run = outcome.run;
  if (run) {
    const s = agentStatsJson(run.result);
    const facts: string[] = [];
    if (s.agent !== undefined) facts.push(`${cell(s.agent)}${s.version ? ` ${cell(s.version)}` : ''}`);
    if (s.model) facts.push(cell(s.model));
    // No wall time: it differs on every run, and the comment is edited only when its text changes.
    if (s.turns !== undefined) facts.push(plural(s.turns, 'turn'));
    if (s.inputTokens !== undefined || s.outputTokens !== undefined) {
      facts.push(`${(s.inputTokens ?? 0).toLocaleString('en-US')} tokens in, ${(s.outputTokens ?? 0).toLocaleString('en-US')} out`);
    }
    if (s.costUsd !== undefined) {
      facts.push(
        s.costSource === 'cli'
          ? `${formatUsd(s.costUsd)} as ${CLI_NAMES[s.agent ?? ''] ?? 'the agent'} reports it`
          : `≈ ${formatUsd(s.costUsd)} at list prices`,
      );
    }
    if (run.result.stop) facts.push(describeStop(run.result.stop));
    if (run.serverActivity !== null) facts.push(`on the research server: ${oneLine(sanitizeUntrusted(run.serverActivity))}`);
    if (lines.length > 0) lines.push('');
    lines.push(`<sub>🤖 Agent: ${facts.join(' · ')}</sub>`);
  }
  return lines.map((line) => oneLine(line, FOOTER_LINE_CHARS));
}

/** Who asked, and how, for the status comment. */
export function describeTrigger(source: string, login: string): string {
  const how =
    {
      label: 'the label',
      comment: 'a `/wild-plan` comment',
      dispatch: 'a manual run',
      pull_request: 'the pull request label',
      review: 'a review requesting changes',
      line: 'a `/wild-plan` comment on a line of the plan',
      edit: 'an edit of the issue',
    }[source] ?? source;
  return `@${login} via ${how}`;
}
