// The publish step: the plan files committed to their branch, the plan PR opened or brought up
// to date, and the sticky plan comment. Returns what it made; changes nothing it was given.
//
// GitHub calls are spent only where something may have changed: a branch this run's push
// created has no pull request to look for, a pull request this run opened has no comment to
// look for, a pull request that already reads as asked is not edited, and a plan comment the
// last run left with this exact text (PlanCommentRecord) is not touched.
import { createHash } from 'node:crypto';
import { publishPlan, type PreviousRevision } from '../git/publish.js';
import { checkPlan } from '../plan/check.js';
import { parsePlan } from '../plan/parse.js';
import { diffRevisions, renderChanges } from '../plan/revisions.js';
import { planCommentDigest, type PlanCommentRecord } from '../github/status-comment.js';
import type { Log } from '../log.js';
import { planCounts } from '../plan/present.js';
import type { PlanOutcome } from '../planning/outcome.js';
import type { Settings } from '../settings.js';
import { withSection } from './comment-sections.js';
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
  /** Where the plan comment is now, for the status comment to carry to the next run. */
  planComment?: PlanCommentRecord;
}

/** What publishing works from: the run's settings and context, what was asked, the plan, and where writes go. */
export interface PublishInput {
  settings: Settings;
  context: ActionContext;
  target: PlanTarget;
  outcome: Extract<PlanOutcome, { status: 'planned' }>;
  writes: Writes;
  log: Log;
  /** Why this revision was made, for the plan comment ("re-planned from @alice's review"). */
  cause?: string;
  /** The plan comment's research-server section (the plan record), when the plan was registered. */
  loopSection?: string;
}

export async function publishStep(
  input: PublishInput,
  /** The plan comment as the last run left it (read from the status comment). */
  previous?: PlanCommentRecord,
): Promise<PublishedPlan> {
  const { context, target, outcome, writes, log } = input;
  const title = displayTitle(target.title);
  const { phases, tasks } = planCounts(outcome.plan);
  const counts = `${phases} phases, ${tasks} tasks`;
  const where = await commitAndPropose(input, { title, counts });
  const prNumber = where.prNumber ?? target.pullNumber;
  const repoUrl = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}`;
  const fileUrl = where.fileRef ? `${repoUrl}/blob/${where.fileRef}/${outcome.tasksPath}` : undefined;
  const body = described(
    withLoop(
      planCommentBody(outcome.plan, outcome.findings, {
        title,
        goal: outcome.goal.goal,
        summary: outcome.summary ?? undefined,
        fileUrl,
        note: where.note,
        run: outcome.run,
        prompt: outcome.prompt,
        revision: where.revision === undefined ? undefined : { number: where.revision, changes: where.changes, cause: input.cause },
      }),
      input.loopSection,
    ),
    outcome,
  );
  const comment =
    prNumber !== undefined
      ? await planComment(writes, log, { pr: prNumber, body, prCreated: where.prCreated, previous, repoUrl })
      : undefined;
  return {
    counts,
    note: where.note,
    branch: where.branch,
    prNumber,
    prUrl: prNumber !== undefined ? `${repoUrl}/pull/${prNumber}` : undefined,
    commentUrl: comment?.url,
    planComment: comment?.record,
    revision: where.revision,
  };
}

function withLoop(body: string, loop: string | undefined): string {
  return loop === undefined ? body : withSection(body, 'loop', loop);
}

/**
 * What changed since the revision the branch held, from that revision's tasks file: both sides
 * checked by the same prompt's rules, so a finding counts as fixed or new only when the plan
 * changed, not because another check ran.
 */
function changesSince(previous: PreviousRevision | undefined, outcome: Extract<PlanOutcome, { status: 'planned' }>): string | undefined {
  if (!previous?.tasks || previous.revision < 1) return undefined;
  const limits = outcome.limits;
  const before = parsePlan(previous.tasks);
  const changes = diffRevisions(
    { plan: before, findings: checkPlan(before, limits) },
    { plan: outcome.plan, findings: checkPlan(outcome.plan, limits) },
  );
  return renderChanges(changes, { sinceRevision: previous.revision });
}

/**
 * The sticky plan comment on `pr`: left as it is when the last run posted this exact text there;
 * else looked for (not on a PR this run opened, which has none) and edited or posted. The
 * record's id is only ever used to link that comment, never to edit one: the record is text in
 * a comment, and the lookup is what makes sure a comment wild-plan edits is its own.
 */
async function planComment(
  writes: Writes,
  log: Log,
  input: { pr: number; body: string; prCreated: boolean; previous?: PlanCommentRecord; repoUrl: string },
): Promise<{ url: string; record: PlanCommentRecord } | undefined> {
  const { pr, body } = input;
  const digest = planCommentDigest(body);
  const previous = input.previous?.pr === pr && !input.prCreated ? input.previous : undefined;
  if (previous?.digest === digest) {
    log.info(`the plan comment on #${pr} already reads as this plan; left as it is`);
    return { url: `${input.repoUrl}/pull/${pr}#issuecomment-${previous.id}`, record: previous };
  }
  const posted = await writes.comment(pr, PLAN_COMMENT_MARKER, body, { find: !input.prCreated });
  return posted ? { url: posted.url, record: { pr, id: posted.id, digest } } : undefined;
}

/**
 * The PR description or the plan comment, with a hidden last line naming the plan files it was
 * written for: each is edited exactly when its words or the plan changed (a new plan whose
 * comment happens to read the same still updates it), and left as it is otherwise. (Both texts
 * stay well inside GitHub's limit: the plan comment is laid out to 65,000 characters.)
 */
function described(text: string, outcome: { planMarkdown: string; playbook: string }): string {
  const digest = createHash('sha256');
  for (const file of [outcome.planMarkdown, outcome.playbook]) digest.update(`${file.length}:${file}`);
  return `${text}\n\n<!-- wild-plan:plan-files ${digest.digest('hex').slice(0, 16)} -->`;
}

interface Proposed {
  /** The revision the plan branch holds now; absent when nothing was committed to a branch of ours. */
  revision?: number;
  /** What changed since the previous revision, as Markdown for the plan comment. */
  changes?: string;
  branch?: string;
  /** The plan PR this run opened or updated (absent: none, or the PR the target already names). */
  prNumber?: number;
  /** This run opened that PR (so it has no comments yet). */
  prCreated: boolean;
  /** Where the plan file can be read: the plan branch, or the base branch that already holds it. */
  fileRef?: string;
  note?: string;
}

/** The commit on the plan branch and, for a plan branch of ours, its PR. */
async function commitAndPropose(input: PublishInput, words: { title?: string; counts: string }): Promise<Proposed> {
  const { settings, context, target, outcome, writes, log } = input;
  if (!target.branch) {
    return {
      prCreated: false,
      note: 'This pull request comes from a fork, so the plan files were not committed to it (wild-plan never pushes to forks). The plan is in the comment on the pull request.',
    };
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
    revisions: { tasksPath: outcome.tasksPath },
  });
  const revision = { revision: published.revision, changes: published.changed ? changesSince(published.previous, outcome) : undefined };
  if (published.humanCommits.length) log.info(`kept ${published.humanCommits.length} commit(s) by others on ${published.branch}`);
  if (!published.changed) log.info('the plan files are unchanged on the branch; no new commit');
  // Null: the base branch already holds these exact files, so there is no branch to propose.
  let branch = published.commitSha === null ? undefined : published.branch;
  let prNumber: number | undefined;
  let prCreated = false;
  // A plan branch of ours gets its plan PR opened or brought up to date (title, counts,
  // summary), also on a re-plan asked for from that PR. Someone's own PR is left as it is.
  if (branch && target.mode !== 'pull-request') {
    const pr = await writes.pullRequest(
      {
        head: published.branch,
        base: published.baseBranch,
        title: pullRequestTitle(words.title),
        body: described(pullRequestBody(target, outcome, words.counts), outcome),
        draft: settings.draft,
      },
      { headCreated: published.created },
    );
    // Null: the branch holds nothing the base lacks (its plan PR was merged, branch kept).
    if (pr === null) branch = undefined;
    else if (pr) ({ number: prNumber, created: prCreated } = pr);
    if (pr && !pr.created && !pr.updated) log.info(`pull request #${pr.number} already reads as this plan; left as it is`);
  }
  if (branch) return { ...revision, branch, prNumber, prCreated, fileRef: branch };
  const note = `\`${published.baseBranch}\` already holds this exact plan (was its pull request merged?), so there is no new pull request to propose.`;
  log.info(note);
  return { prCreated: false, fileRef: published.baseBranch, note };
}
