// What a command ends with: the `status` output and the step's failure, the outputs it set,
// and the job summary. Each status carries what it has: a skip only its reason.
import { messageBlock } from '../github/status-comment.js';
import type { Log } from '../log.js';

/** Outputs a run that reached the planning pipeline sets. */
export interface PlanOutputs {
  tasksPath: string;
  playbookPath: string;
  sessionId: string;
  planJson?: string;
  /** What the agent run cost and did, as JSON (the `agent-stats` output); absent when no agent ran. */
  agentStats?: string;
}

/** What publishing made: the branch, the pull request and its plan comment. */
export interface Published {
  branch?: string;
  prNumber?: number;
  prUrl?: string;
  commentUrl?: string;
  /** The plan revision the branch holds now (1 for a first plan). */
  revision?: number;
}

interface Base {
  message: string;
  /** Whether the step should fail (setFailed). */
  fail: boolean;
  /** Markdown for the job summary. */
  summary: string;
}

export type ActionResult =
  | (Base & { status: 'skipped' })
  | (Base & { status: 'failed' } & Partial<PlanOutputs>)
  | (Base & { status: 'aborted' | 'invalid' } & PlanOutputs)
  | (Base & { status: 'planned' } & PlanOutputs & Published)
  /** The issue changed after planning: its plan comment now says so (no agent ran, nothing committed). */
  | (Base & { status: 'marked-stale' } & Pick<Published, 'prNumber' | 'prUrl' | 'commentUrl'>)
  /**
   * The research server took a command: `approved` (the plan record), `started` (the loop, with
   * its session id), `loop-updated` (paused, resumed, stopped, steered, or its progress read).
   */
  | (Base & { status: 'approved' | 'started' | 'loop-updated' } & Pick<Published, 'prNumber' | 'prUrl' | 'commentUrl'> & {
        loopSessionId?: string;
      });

export type ActionStatus = ActionResult['status'];

/** A result read field by field, whatever its status (the outputs a status lacks are undefined). */
export type ActionResultFields = ActionResult & Partial<PlanOutputs & Published & { loopSessionId: string }>;

export function skipped(reason: string, log: Log): ActionResult {
  log.info(`Skipped: ${reason}`);
  return { status: 'skipped', message: reason, fail: false, summary: `### wild-plan skipped\n\n${reason}\n` };
}

/**
 * The run cannot go on as asked (a bad manual input, a permission check GitHub did not answer):
 * the step fails with the reason, before anything was written to GitHub.
 */
export function refused(reason: string, log: Log): ActionResult {
  // Info, not error: the entry's setFailed reports the message as the run's one error.
  log.info(`Failed: ${reason}`);
  return failed(reason);
}

export function failed(message: string): ActionResult {
  return { status: 'failed', message, fail: true, summary: `### ❌ wild-plan failed\n\n${messageBlock(message)}\n` };
}
