import { agentStatsJson, type AgentRunner } from '../agent/runner.js';
import { publishPlan } from '../git/publish.js';
import type { GitHubClient } from '../github/client.js';
import { acknowledgeComment, Identity, MAX_COMMENT_CHARS, postableBody, upsertMarkedComment } from '../github/comments.js';
import { neutralizeDeep, neutralizeMentions } from '../github/mentions.js';
import { checkSenderPermission } from '../github/permission.js';
import { upsertPullRequest } from '../github/pull-request.js';
import { messageBlock, renderStatusComment, STATUS_MARKER, type StatusState } from '../github/status-comment.js';
import { inertText } from '../log-safety.js';
import type { Log } from '../log.js';
import { planIssue, type PlanOutcome } from '../main.js';
import { planCounts, planToJson, presentPlanComment } from '../plan/present.js';
import type { Finding, Plan } from '../plan/types.js';
import { sanitizeUntrusted } from '../sanitize.js';
import { formatPreflightTable } from '../server/preflight-report.js';
import type { Settings } from '../settings.js';
import { decideTrigger, type Trigger } from '../trigger.js';
import type { ActionContext } from './context.js';
import { renderJobSummary } from './summary.js';
import { getIssue, resolveTarget, type PlanTarget } from './target.js';

export const PLAN_COMMENT_MARKER = '<!-- wild-plan:plan-comment -->';
const PR_MARKER = '<!-- wild-plan:pull-request -->';

export type ActionStatus = 'planned' | 'aborted' | 'invalid' | 'skipped' | 'failed';

export interface ActionResult {
  status: ActionStatus;
  message: string;
  /** Whether the step should fail (setFailed). */
  fail: boolean;
  branch?: string;
  prNumber?: number;
  prUrl?: string;
  commentUrl?: string;
  tasksPath?: string;
  playbookPath?: string;
  sessionId?: string;
  planJson?: string;
  /** What the agent run cost and did, as JSON (the `agent-stats` output); absent when no agent ran. */
  agentStats?: string;
  /** Markdown for the job summary. */
  summary: string;
}

export interface ActionDeps {
  client: GitHubClient;
  log: Log;
  runner?: AgentRunner;
  signal?: AbortSignal;
  /**
   * Run the agent as an unprivileged user of this run's own where the runner allows it
   * (PlanDeps.isolateAgent). Default true: what the action does on GitHub. Runs at the same
   * time cannot disturb each other (each has a user of its own). The test harness turns it off
   * for in-process runs, which plan hundreds of times with stand-in agents and must behave the
   * same on machines that cannot isolate; the built action's tests run with it on.
   */
  isolateAgent?: boolean;
}

/** The action's whole run: trigger → permission → plan → publish → comments. */
export async function runAction(settings: Settings, context: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const { client, log } = deps;
  const repo = context.repo;
  const trigger = decideTrigger(context.eventName, context.payload, settings.triggerLabel);
  if (trigger.kind === 'skip') return skipped(trigger.reason, log);
  if (trigger.kind === 'refuse') return refused(trigger.reason, log);

  const permission = await checkSenderPermission(client, repo, trigger.sender.login);
  // Fails without a status comment: whether the sender may get one is what could not be checked.
  if (permission.kind === 'error') return refused(permission.reason, log);
  if (permission.kind === 'denied') return skipped(permission.reason, log);
  log.info(`${trigger.source} by ${trigger.sender.login} (${permission.permission})`);

  const live = await liveLabelTrigger(client, repo, trigger, settings.triggerLabel);
  if (live.kind === 'skip') return skipped(live.reason, log);

  const target = await resolveTarget(client, repo, live);
  const writes = new Writes(client, context, settings.dryRun, log);
  if (trigger.commentId !== undefined) await writes.react(trigger.commentId);

  const status = new StatusComment(writes, target.statusThread, { runUrl: context.runUrl, dryRun: settings.dryRun });
  const onAbort = () => void status.set({ kind: 'cancelled' }).catch(() => {});
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const steer = sanitizeUntrusted(target.steer).trim();
    await status.set({ kind: 'started', trigger: describeTrigger(trigger.source, trigger.sender.login), steer: steer || undefined });
    const outcome = await planIssue(
      settings,
      { issueNumber: target.number, title: target.title, body: target.body, steer: target.steer },
      { log, runner: deps.runner, signal: deps.signal, isolateAgent: deps.isolateAgent ?? true, writeFiles: settings.writePlanFiles },
    );
    if (deps.signal?.aborted) throw new Error('cancelled');
    return await finish(settings, context, target, outcome, writes, status, log);
  } catch (error) {
    if (deps.signal?.aborted) {
      await status.set({ kind: 'cancelled' }).catch((e: unknown) => log.warning(`could not update the status comment: ${(e as Error).message}`));
      return { status: 'failed', message: 'The run was cancelled.', fail: true, summary: '### ⏹️ wild-plan was cancelled\n' };
    }
    const message = error instanceof Error ? error.message : String(error);
    await status.set({ kind: 'failed', message }).catch((e: unknown) => log.warning(`could not update the status comment: ${(e as Error).message}`));
    return { status: 'failed', message, fail: true, summary: `### ❌ wild-plan failed\n\n${messageBlock(message)}\n` };
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A label event is a snapshot from when the label was added; the run may start minutes later.
 * The issue is read again: when the label is gone (someone took the request back) the run
 * skips, and otherwise it plans the title and body as they are now, not as they were.
 */
async function liveLabelTrigger(
  client: GitHubClient,
  repo: ActionContext['repo'],
  trigger: Extract<Trigger, { kind: 'plan' }>,
  label: string,
): Promise<Extract<Trigger, { kind: 'plan' | 'skip' }>> {
  if ((trigger.source !== 'label' && trigger.source !== 'pull_request') || trigger.number === undefined) return trigger;
  const issue = await getIssue(client, repo, trigger.number);
  const names = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
  if (!names.includes(label)) {
    return { kind: 'skip', reason: `the label \`${label}\` was removed from #${trigger.number} before the run started; nothing to plan` };
  }
  return { ...trigger, title: issue.title, body: issue.body ?? null };
}

/** The issue title as wild-plan shows it (PR title, comment heading, commit subject): one clean line. */
export function displayTitle(title: string | undefined): string | undefined {
  if (title === undefined) return undefined;
  const clean = sanitizeUntrusted(title).replace(/\s+/g, ' ').trim();
  return clean === '' ? undefined : clean.length > 200 ? `${clean.slice(0, 199).replace(/[\uD800-\uDBFF]$/, '')}…` : clean;
}

async function finish(
  settings: Settings,
  context: ActionContext,
  target: PlanTarget,
  outcome: PlanOutcome,
  writes: Writes,
  status: StatusComment,
  log: Log,
): Promise<ActionResult> {
  const base = {
    tasksPath: outcome.tasksPath,
    playbookPath: outcome.playbookPath,
    sessionId: outcome.sessionId,
    planJson: outcome.plan ? JSON.stringify({ ...planToJson(outcome.plan), findings: outcome.findings }) : undefined,
    agentStats: outcome.agent ? JSON.stringify(agentStatsJson(outcome.agent)) : undefined,
    summary: renderJobSummary(outcome, context),
  };
  if (outcome.status === 'aborted') {
    await status.set({
      kind: 'aborted',
      message: outcome.message,
      preflightTable: formatPreflightTable(outcome.preflight),
      checklist: outcome.planMarkdown ?? '',
    });
    return { ...base, status: 'aborted', message: outcome.message, fail: settings.failOnAbort };
  }
  if (outcome.status === 'invalid' || outcome.plan === null || outcome.planMarkdown === null || outcome.playbook === null) {
    await status.set({ kind: 'invalid', message: outcome.message });
    return { ...base, status: 'invalid', message: outcome.message, fail: true };
  }

  const plan = outcome.plan;
  const title = displayTitle(target.title);
  const { phases, tasks } = planCounts(plan);
  const counts = `${phases} phases, ${tasks} tasks`;
  let branch: string | undefined;
  let note: string | undefined;
  /** Where the plan file can be read: the plan branch, or the base branch that already holds it. */
  let fileRef: string | undefined;
  if (target.branch) {
    const published = await publishPlan({
      workdir: settings.workspace,
      branch: target.branch,
      baseBranch: settings.baseBranch,
      files: [
        { path: outcome.tasksPath, content: outcome.planMarkdown },
        { path: outcome.playbookPath, content: outcome.playbook },
      ],
      message: `Plan${target.number ? ` for #${target.number}` : ''}: ${title ?? 'research goal'}\n\nwild-plan session ${outcome.sessionId}`,
      token: settings.githubToken,
      serverUrl: context.serverUrl,
      dryRun: settings.dryRun,
      log: (line) => log.info(line),
    });
    // Null: the base branch already holds these exact files, so there is no branch to propose.
    branch = published.commitSha === null ? undefined : published.branch;
    if (published.humanCommits.length) log.info(`kept ${published.humanCommits.length} commit(s) by others on ${published.branch}`);
    if (!published.changed) log.info('the plan files are unchanged on the branch; no new commit');
    // A plan branch of ours gets its plan PR opened or brought up to date (title, counts,
    // summary), also on a re-plan asked for from that PR. Someone's own PR is left as it is.
    if (branch && target.mode !== 'pull-request') {
      const pr = await writes.pullRequest({
        head: published.branch,
        base: published.baseBranch,
        title: pullRequestTitle(title),
        body: pullRequestBody(target, outcome, counts),
        draft: settings.draft,
      });
      // Null: the branch holds nothing the base lacks (its plan PR was merged, branch kept).
      if (pr === null) branch = undefined;
      else if (pr) target.pullNumber = pr.number;
    }
    fileRef = branch ?? published.baseBranch;
    if (!branch) {
      note = `\`${published.baseBranch}\` already holds this exact plan (was its pull request merged?), so there is no new pull request to propose.`;
      log.info(note);
    }
  } else {
    note = 'This pull request comes from a fork, so the plan files were not committed to it (wild-plan never pushes to forks). The plan is in the comment on the pull request.';
  }

  const fileUrl = fileRef ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/blob/${fileRef}/${outcome.tasksPath}` : undefined;
  const body = planCommentBody(plan, outcome.findings, { title, summary: outcome.summary ?? undefined, fileUrl, note });
  const comment = target.pullNumber !== undefined ? await writes.comment(target.pullNumber, PLAN_COMMENT_MARKER, body) : undefined;
  const prUrl = target.pullNumber !== undefined ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/pull/${target.pullNumber}` : undefined;
  await status.set({ kind: 'planned', prUrl, prNumber: target.pullNumber, counts, findings: outcome.findings.length, summary: outcome.summary, note });
  return {
    ...base,
    status: 'planned',
    message: outcome.message,
    fail: false,
    branch,
    prNumber: target.pullNumber,
    prUrl,
    commentUrl: comment?.url,
  };
}

/** Longest agent summary quoted in the PR body: the plan comment and the files hold the rest. */
const PR_SUMMARY_CHARS = 3_000;

/** The plan PR's description: what it holds, the agent's summary (cut, quoted), how to re-plan. */
export function pullRequestBody(target: Pick<PlanTarget, 'number'>, outcome: Pick<PlanOutcome, 'summary' | 'tasksPath' | 'playbookPath'>, counts: string): string {
  const lines = [PR_MARKER, `The research plan for ${target.number ? `#${target.number}` : 'the goal below'}, written by wild-plan (${counts}).`, ''];
  if (outcome.summary) {
    const summary = outcome.summary.length > PR_SUMMARY_CHARS ? `${outcome.summary.slice(0, PR_SUMMARY_CHARS).replace(/[\uD800-\uDBFF]$/, '')}…` : outcome.summary;
    lines.push(`> ${summary.replace(/</g, '&lt;').split('\n').join('\n> ')}`, '');
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

/** GitHub refuses longer titles. */
const MAX_TITLE_CHARS = 256;

/** The plan PR's title from the (display) issue title: no pings, within GitHub's limit. */
export function pullRequestTitle(title: string | undefined): string {
  const text = neutralizeMentions(`Plan: ${title ?? 'research goal'}`);
  return text.length > MAX_TITLE_CHARS ? `${text.slice(0, MAX_TITLE_CHARS - 1).replace(/[\uD800-\uDBFF]$/, '')}…` : text;
}

/**
 * The sticky plan comment: the plan at the richest detail that fits, and our note (fork, merged
 * plan) below it. Mentions are neutralised in the plan, findings, title and summary before the
 * comment is laid out, so its size budget counts the joiners too (and in the note, which names a
 * branch).
 */
export function planCommentBody(plan: Plan, findings: Finding[], options: { title?: string; summary?: string; fileUrl?: string; note?: string }): string {
  const body = presentPlanComment(neutralizeDeep(plan), neutralizeDeep(findings), {
    marker: PLAN_COMMENT_MARKER,
    title: options.title === undefined ? undefined : neutralizeMentions(options.title),
    summary: options.summary ? neutralizeMentions(options.summary) : undefined,
    fileUrl: options.fileUrl,
  });
  return options.note ? `${body}\n\n> ${neutralizeMentions(options.note)}` : body;
}

function describeTrigger(source: string, login: string): string {
  const how = { label: 'the label', comment: 'a `/wild-plan` comment', dispatch: 'a manual run', pull_request: 'the pull request label' }[source] ?? source;
  return `@${login} via ${how}`;
}

function skipped(reason: string, log: Log): ActionResult {
  log.info(`Skipped: ${reason}`);
  return { status: 'skipped', message: reason, fail: false, summary: `### wild-plan skipped\n\n${reason}\n` };
}

/**
 * The run cannot go on as asked (a bad manual input, a permission check GitHub did not answer):
 * the step fails with the reason, before anything was written to GitHub.
 */
function refused(reason: string, log: Log): ActionResult {
  // Info, not error: the entry's setFailed reports the message as the run's one error.
  log.info(`Failed: ${reason}`);
  return { status: 'failed', message: reason, fail: true, summary: `### ❌ wild-plan failed\n\n${messageBlock(reason)}\n` };
}

/** Every write to GitHub goes through here, so a dry run logs instead of writing. */
class Writes {
  /** Wild-plan's own login, once a write of this run has shown it. */
  private readonly identity = new Identity();

  constructor(
    private readonly client: GitHubClient,
    private readonly context: ActionContext,
    private readonly dryRun: boolean,
    private readonly log: Log,
  ) {}

  async react(commentId: number) {
    if (this.dryRun) return this.log.info(`dry run: would react 👀 to comment ${commentId}`);
    this.identity.learn(await acknowledgeComment(this.client, this.context.repo, commentId, this.log));
  }

  async comment(thread: number, marker: string, body: string, knownId?: number) {
    if (this.dryRun) {
      // The body quotes untrusted text: printed inert, so no line of it is a workflow command.
      this.log.info(inertText(`dry run: would post on #${thread}:\n${body}`));
      return undefined;
    }
    return upsertMarkedComment(this.client, this.context.repo, thread, marker, body, { knownId, log: this.log, identity: this.identity });
  }

  async pullRequest(spec: Parameters<typeof upsertPullRequest>[2]) {
    if (this.dryRun) {
      this.log.info(inertText(`dry run: would open or update the pull request ${spec.head} → ${spec.base}: ${spec.title}`));
      return undefined;
    }
    // The last word on what reaches GitHub: the title and body were built to fit and to ping nobody.
    return upsertPullRequest(this.client, this.context.repo, { ...spec, title: neutralizeMentions(spec.title), body: postableBody(spec.body, MAX_COMMENT_CHARS) });
  }
}

/**
 * The one status comment on the issue, edited from "started" to its result. Updates are
 * applied one after another: a cancellation arriving while "started" is still being posted
 * must edit that comment, not post a second one beside it.
 */
class StatusComment {
  private id: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly writes: Writes,
    private readonly thread: number | undefined,
    private readonly context: { runUrl?: string; dryRun: boolean },
  ) {}

  set(state: StatusState): Promise<void> {
    const next = this.queue.catch(() => {}).then(() => this.write(state));
    this.queue = next;
    return next;
  }

  private async write(state: StatusState): Promise<void> {
    if (this.thread === undefined) return;
    const posted = await this.writes.comment(this.thread, STATUS_MARKER, renderStatusComment(state, this.context), this.id);
    this.id = posted?.id ?? this.id;
  }
}
