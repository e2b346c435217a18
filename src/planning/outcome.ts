// What one planning iteration asks for and what it ends with. Each ending carries only its own
// fields: a plan ready to publish has its files; an abort has its checklist; an invalid run has
// whatever plan there was (none, or one that breaks the contract under `strict-plan`).
import type { AgentRunResult } from '../agent/runner.js';
import type { GoalResult } from '../goal.js';
import type { PlanLimits } from '../plan/check.js';
import type { Finding, Plan } from '../plan/types.js';
import type { Isolation } from '../sandbox/isolation.js';
import type { TreeChanges } from '../sandbox/scratch.js';
import type { PreflightReport } from '../server/preflight.js';
import type { PromptUsed } from '../prompt/used.js';

/** What to plan: an issue's text (or a goal typed by hand) and an optional steer. */
export interface PlanRequest {
  issueNumber?: number;
  title?: string;
  body?: string | null;
  steer?: string;
}

/** How the agent ran, and what it did besides the plan. */
export interface AgentRun {
  result: AgentRunResult;
  /** What it did on the research server, from the loopback proxy ("created 1 sweep…"). */
  serverActivity: string | null;
  /** Whether it ran as a user of its own (or in namespaces), and how or why not; null when isolation was not asked for. */
  isolation: { isolated: boolean; kind: Isolation['kind']; reason: string } | null;
  /** What it changed in its copy beyond the plan files (never committed, never in the checkout); null when nothing. */
  changes: (TreeChanges & { description: string }) | null;
}

interface Common {
  /** One line for people: what happened and, when it did not work, what to do. */
  message: string;
  sessionId: string;
  goal: GoalResult;
  preflight: PreflightReport;
  /** Workspace-relative paths of the two plan files. */
  tasksPath: string;
  playbookPath: string;
  findings: Finding[];
  /** The agent's <summary> (secrets redacted), or the abort sentence. */
  summary: string | null;
  /** Which planning prompt ran (describePromptUsed for one line). */
  prompt?: PromptUsed;
  /** The phase and task counts that prompt holds a plan to (its contract). */
  limits?: PlanLimits;
}

export type PlanOutcome =
  /** The server failed preflight (no agent ran: `run` is null), or the agent aborted by its own preflight. */
  | (Common & { status: 'aborted'; checklist: string; plan: Plan; run: AgentRun | null })
  /** No usable plan, or one that breaks the contract with `strict-plan` on. */
  | (Common & { status: 'invalid'; plan: Plan | null; run: AgentRun })
  | (Common & { status: 'planned'; plan: Plan; planMarkdown: string; playbook: string; run: AgentRun });

export type PlanStatus = PlanOutcome['status'];
