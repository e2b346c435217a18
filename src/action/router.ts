// The action is an event router: each event maps to one command, and each command is a short
// function that reads as its steps (commands/): plan, replan-from-review, mark-stale, approve,
// run, control, status (DESIGN.md, "Beyond one pipeline").
import type { AgentRunner } from '../agent/runner.js';
import type { GitHubClient } from '../github/client.js';
import type { Log } from '../log.js';
import type { Settings } from '../settings.js';
import { decideTrigger, type Trigger } from '../trigger.js';
import { approveCommand } from './commands/approve.js';
import { controlCommand } from './commands/control.js';
import { statusCommand, syncCommand } from './commands/loop-status.js';
import { markStale } from './commands/mark-stale.js';
import { planCommand } from './commands/plan.js';
import { replanFromReview } from './commands/replan-from-review.js';
import { runCommand, type RunRequest } from './commands/run.js';
import type { ActionContext } from './context.js';
import { refused, skipped, type ActionResult } from './result.js';

export type { ActionResult, ActionStatus } from './result.js';

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

type Of<K extends Trigger['kind']> = Extract<Trigger, { kind: K }>;

/** What an event asks of wild-plan: one command, or nothing (with the reason). */
export type Route =
  | { command: 'plan'; trigger: Of<'plan'> }
  /** A review requesting changes, or `/wild-plan …` on a line: the plan PR's issue, re-planned with it. */
  | { command: 'replan-from-review'; trigger: Of<'review'> | Of<'line-command'> }
  /** The issue changed after planning: its plan comment says so; no agent runs. */
  | { command: 'mark-stale'; trigger: Of<'edited'> }
  /** An approving review: the server's plan record approved. */
  | { command: 'approve'; trigger: Of<'review'> }
  /** `/wild-plan run`, or a plan PR merged with `run-on-merge`: the loop started with the reviewed plan. */
  | { command: 'run'; trigger: Of<'loop'> | Of<'merged'> }
  /** `/wild-plan pause | resume | stop | steer …`. */
  | { command: 'control'; trigger: Of<'loop'> }
  /** `/wild-plan status`, or the schedule: the loop's progress into the plan comment. */
  | { command: 'status'; trigger: Of<'loop'> | Of<'schedule'> }
  | { command: 'skip'; reason: string }
  /** The event asks for something that cannot be done as asked (a bad manual input). */
  | { command: 'refuse'; reason: string };

export function routeEvent(
  context: Pick<ActionContext, 'eventName' | 'payload'>,
  settings: Pick<Settings, 'triggerLabel' | 'replanOnEdit' | 'runOnMerge'>,
): Route {
  const trigger = decideTrigger(context.eventName, context.payload, settings.triggerLabel);
  switch (trigger.kind) {
    case 'skip':
      return { command: 'skip', reason: trigger.reason };
    case 'refuse':
      return { command: 'refuse', reason: trigger.reason };
    case 'plan':
      return { command: 'plan', trigger };
    case 'line-command':
      return { command: 'replan-from-review', trigger };
    case 'review':
      if (trigger.state === 'changes_requested') return { command: 'replan-from-review', trigger };
      if (trigger.state === 'approved') return { command: 'approve', trigger };
      return {
        command: 'skip',
        reason: `a review that is ${trigger.state.replace('_', ' ')} re-plans nothing (only one requesting changes does)`,
      };
    case 'loop':
      if (trigger.command.verb === 'run') return { command: 'run', trigger };
      if (trigger.command.verb === 'status') return { command: 'status', trigger };
      return { command: 'control', trigger };
    case 'merged':
      if (!settings.runOnMerge) return { command: 'skip', reason: 'a merged pull request starts nothing unless `run-on-merge` is true' };
      return { command: 'run', trigger };
    case 'schedule':
      return { command: 'status', trigger };
    case 'edited':
      if (!settings.replanOnEdit) return { command: 'mark-stale', trigger };
      return {
        command: 'plan',
        trigger: {
          kind: 'plan',
          source: 'edit',
          sender: trigger.sender,
          number: trigger.number,
          isPullRequest: false,
          title: trigger.title,
          body: trigger.body,
          steer: '',
        },
      };
  }
}

/** The action's whole run: route the event, run its command. */
export async function runAction(settings: Settings, context: ActionContext, deps: ActionDeps): Promise<ActionResult> {
  const route = routeEvent(context, settings);
  switch (route.command) {
    case 'skip':
      return skipped(route.reason, deps.log);
    case 'refuse':
      return refused(route.reason, deps.log);
    case 'plan':
      return planCommand(settings, context, route.trigger, deps);
    case 'replan-from-review':
      return replanFromReview(settings, context, route.trigger, deps);
    case 'mark-stale':
      return markStale(settings, context, route.trigger, deps);
    case 'approve':
      return approveCommand(settings, context, route.trigger, deps);
    case 'run':
      return runCommand(settings, context, runRequest(route.trigger), deps);
    case 'control':
      return controlCommand(settings, context, route.trigger, deps);
    case 'status':
      return route.trigger.kind === 'schedule'
        ? syncCommand(settings, context, deps)
        : statusCommand(settings, context, route.trigger, deps);
  }
}

function runRequest(trigger: Of<'loop'> | Of<'merged'>): RunRequest {
  if (trigger.kind === 'merged') {
    return {
      sender: trigger.sender,
      where: { number: trigger.pullNumber, isPullRequest: true, headRef: trigger.head.ref, fork: trigger.head.fork },
      restart: false,
      how: `the merge of #${trigger.pullNumber} (run-on-merge)`,
    };
  }
  return {
    sender: trigger.sender,
    where: { number: trigger.number, isPullRequest: trigger.isPullRequest },
    restart: trigger.command.verb === 'run' && trigger.command.restart,
    commentId: trigger.commentId,
    how: trigger.command.verb === 'run' && trigger.command.restart ? '`/wild-plan run --restart`' : '`/wild-plan run`',
  };
}
