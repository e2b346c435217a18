// The publish step: the plan files committed to their branch, the plan PR opened or brought up
// to date, and the sticky plan comment. Returns what it made; changes nothing it was given.
import { publishPlan } from '../git/publish.js';
import type { Log } from '../log.js';
import { planCounts } from '../plan/present.js';
import type { PlanOutcome } from '../planning/outcome.js';
import type { Settings } from '../settings.js';
import type { ActionContext } from './context.js';
import { displayTitle, PLAN_COMMENT_MARKER, planCommentBody, pullRequestBody, pullRequestTitle } from './messages.js';
import type { Published } from './result.js';
import type { PlanTarget } from './target.js';
import type { Writes } from './writes.js';

export interface PublishedPlan extends Published {
  /** "5 phases, 13 tasks". */
  counts: string;
  /** Our word below the plan (a fork, a plan the base branch already holds). */
  note?: string;
}

export async function publishStep(
  settings: Settings,
  context: ActionContext,
  target: PlanTarget,
  outcome: Extract<PlanOutcome, { status: 'planned' }>,
  writes: Writes,
  log: Log,
): Promise<PublishedPlan> {
  const title = displayTitle(target.title);
  const { phases, tasks } = planCounts(outcome.plan);
  const counts = `${phases} phases, ${tasks} tasks`;
  const where = await commitAndPropose(settings, context, target, outcome, writes, log, { title, counts });
  const prNumber = where.prNumber ?? target.pullNumber;
  const repoUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}`;
  const fileUrl = where.fileRef ? `${repoUrl}/blob/${where.fileRef}/${outcome.tasksPath}` : undefined;
  const body = planCommentBody(outcome.plan, outcome.findings, { title, summary: outcome.summary ?? undefined, fileUrl, note: where.note });
  const comment = prNumber !== undefined ? await writes.comment(prNumber, PLAN_COMMENT_MARKER, body) : undefined;
  return {
    counts,
    note: where.note,
    branch: where.branch,
    prNumber,
    prUrl: prNumber !== undefined ? `${repoUrl}/pull/${prNumber}` : undefined,
    commentUrl: comment?.url,
  };
}

interface Proposed {
  branch?: string;
  /** The plan PR this run opened or updated (absent: none, or the PR the target already names). */
  prNumber?: number;
  /** Where the plan file can be read: the plan branch, or the base branch that already holds it. */
  fileRef?: string;
  note?: string;
}

/** The commit on the plan branch and, for a plan branch of ours, its PR. */
async function commitAndPropose(
  settings: Settings,
  context: ActionContext,
  target: PlanTarget,
  outcome: Extract<PlanOutcome, { status: 'planned' }>,
  writes: Writes,
  log: Log,
  words: { title?: string; counts: string },
): Promise<Proposed> {
  if (!target.branch) {
    return { note: 'This pull request comes from a fork, so the plan files were not committed to it (wild-plan never pushes to forks). The plan is in the comment on the pull request.' };
  }
  const published = await publishPlan({
    workdir: settings.workspace,
    branch: target.branch,
    baseBranch: settings.baseBranch,
    files: [
      { path: outcome.tasksPath, content: outcome.planMarkdown },
      { path: outcome.playbookPath, content: outcome.playbook },
    ],
    message: `Plan${target.number ? ` for #${target.number}` : ''}: ${words.title ?? 'research goal'}\n\nwild-plan session ${outcome.sessionId}`,
    token: settings.githubToken,
    serverUrl: context.serverUrl,
    dryRun: settings.dryRun,
    log: (line) => log.info(line),
  });
  if (published.humanCommits.length) log.info(`kept ${published.humanCommits.length} commit(s) by others on ${published.branch}`);
  if (!published.changed) log.info('the plan files are unchanged on the branch; no new commit');
  // Null: the base branch already holds these exact files, so there is no branch to propose.
  let branch = published.commitSha === null ? undefined : published.branch;
  let prNumber: number | undefined;
  // A plan branch of ours gets its plan PR opened or brought up to date (title, counts,
  // summary), also on a re-plan asked for from that PR. Someone's own PR is left as it is.
  if (branch && target.mode !== 'pull-request') {
    const pr = await writes.pullRequest({
      head: published.branch,
      base: published.baseBranch,
      title: pullRequestTitle(words.title),
      body: pullRequestBody(target, outcome, words.counts),
      draft: settings.draft,
    });
    // Null: the branch holds nothing the base lacks (its plan PR was merged, branch kept).
    if (pr === null) branch = undefined;
    else if (pr) prNumber = pr.number;
  }
  if (branch) return { branch, prNumber, fileRef: branch };
  const note = `\`${published.baseBranch}\` already holds this exact plan (was its pull request merged?), so there is no new pull request to propose.`;
  log.info(note);
  return { fileRef: published.baseBranch, note };
}
