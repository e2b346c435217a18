import { createHash } from 'node:crypto';
import { statusOf, type GitHubClient, type RepoRef } from '../github/client.js';
import { parseIssueNumber, type Trigger } from '../trigger.js';

export const PLAN_BRANCH_PREFIX = 'wild-plan/issue-';

/** Where a plan request lands: what to plan, which branch gets it, where people hear of it. */
export interface PlanTarget {
  /**
   * `issue`: plan branch + new PR. `pull-request`: files on the PR's own branch.
   * `fork`: a PR from a fork; a comment only. `goal`: a dispatch with a goal and no issue.
   */
  mode: 'issue' | 'pull-request' | 'fork' | 'goal';
  /** The issue (or PR) whose text is the goal; numbers the tasks path. */
  number?: number;
  title?: string;
  body?: string | null;
  steer: string;
  /** The branch that receives the plan files (absent for forks). */
  branch?: string;
  /** The thread that gets the status comment (the issue, or the PR for PR plans). */
  statusThread?: number;
  /**
   * GitHub reported the status thread without a single comment when the target was read: there
   * is no earlier status comment to look for.
   */
  statusThreadEmpty?: boolean;
  /** An existing pull request the plan comment goes on (PR plans, re-plans from the plan PR). */
  pullNumber?: number;
}

export function planBranchFor(issueNumber: number): string {
  return `${PLAN_BRANCH_PREFIX}${issueNumber}`;
}

/** The issue a plan branch name is for (`wild-plan/issue-12` → 12), or null when it is not one. */
export function planBranchIssue(ref: string): number | null {
  if (!ref.startsWith(PLAN_BRANCH_PREFIX)) return null;
  const digits = ref.slice(PLAN_BRANCH_PREFIX.length);
  return /^[0-9]+$/.test(digits) ? parseIssueNumber(digits) : null;
}

/** A plan trigger, with the comment count of its issue or PR when the run has read it (label events). */
export type LiveTrigger = Extract<Trigger, { kind: 'plan' }> & { comments?: number };

/**
 * Turns a plan trigger into a target, with the API reads it needs: a `/wild-plan` comment on
 * a plan PR that wild-plan opened re-plans the original issue (the review loop); one on any
 * other PR plans that PR.
 */
export async function resolveTarget(client: GitHubClient, repo: RepoRef, trigger: LiveTrigger): Promise<PlanTarget> {
  const steer = trigger.steer;
  if (trigger.number === undefined) {
    const goal = trigger.body ?? '';
    const hash = createHash('sha256').update(goal).digest('hex').slice(0, 8);
    return { mode: 'goal', title: firstLine(goal), body: goal, steer, branch: `wild-plan/goal-${hash}` };
  }

  let isPullRequest = trigger.isPullRequest;
  let title = trigger.title;
  let body = trigger.body;
  let comments = trigger.comments;
  if (title === undefined) {
    const issue = await getIssue(client, repo, trigger.number);
    ({ title, body, comments } = issue);
    isPullRequest = Boolean(issue.pull_request);
  }
  if (!isPullRequest) {
    return {
      mode: 'issue',
      number: trigger.number,
      title,
      body,
      steer,
      branch: planBranchFor(trigger.number),
      statusThread: trigger.number,
      statusThreadEmpty: comments === 0,
    };
  }

  let head = trigger.head;
  if (head === undefined) {
    const { data: pr } = await client.rest.pulls.get({ ...repo, pull_number: trigger.number });
    head = { ref: pr.head.ref, fork: pr.head.repo?.full_name !== `${repo.owner}/${repo.repo}` };
    ({ title, body, comments } = pr);
  }
  // Only a branch named exactly as planBranchFor names one (no "07", no 40-digit number) is ours.
  const issueNumber = planBranchIssue(head.ref);
  if (issueNumber !== null && !head.fork) {
    const issue = await getIssue(client, repo, issueNumber);
    return {
      mode: 'issue',
      number: issueNumber,
      title: issue.title,
      body: issue.body,
      steer,
      branch: head.ref,
      statusThread: issueNumber,
      statusThreadEmpty: issue.comments === 0,
      pullNumber: trigger.number,
    };
  }
  return {
    mode: head.fork ? 'fork' : 'pull-request',
    number: trigger.number,
    title,
    body,
    steer,
    branch: head.fork ? undefined : head.ref,
    statusThread: trigger.number,
    statusThreadEmpty: comments === 0,
    pullNumber: trigger.number,
  };
}

/** The issue, or an error that says which number was asked for and where. */
export async function getIssue(client: GitHubClient, repo: RepoRef, number: number) {
  try {
    return (await client.rest.issues.get({ ...repo, issue_number: number })).data;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 410) {
      throw new Error(
        `${repo.owner}/${repo.repo}#${number} ${status === 410 ? 'was deleted' : 'does not exist (or the token cannot see it)'}; check the issue number.`,
        { cause: error },
      );
    }
    throw error;
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

/**
 * A label event is a snapshot from when the label was added; the run may start minutes later.
 * The issue is read again: when the label is gone (someone took the request back) the run
 * skips, and otherwise it plans the title and body as they are now, not as they were.
 */
export async function liveLabelTrigger(
  client: GitHubClient,
  repo: RepoRef,
  trigger: Extract<Trigger, { kind: 'plan' }>,
  label: string,
): Promise<LiveTrigger | Extract<Trigger, { kind: 'skip' }>> {
  if ((trigger.source !== 'label' && trigger.source !== 'pull_request') || trigger.number === undefined) return trigger;
  const issue = await getIssue(client, repo, trigger.number);
  const names = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
  if (!names.includes(label)) {
    return { kind: 'skip', reason: `the label \`${label}\` was removed from #${trigger.number} before the run started; nothing to plan` };
  }
  return { ...trigger, title: issue.title, body: issue.body ?? null, comments: issue.comments };
}
