// The `control` commands: `/wild-plan pause | resume | stop | steer <text>` → the matching
// endpoint with the chat session, answered in the plan comment's loop section (one
// edited comment, not a new one per command). `steer` with no loop running re-plans instead,
// as `/wild-plan <direction>` always has.
import type { Settings } from '../../settings.js';
import type { Trigger } from '../../trigger.js';
import type { ActionContext } from '../context.js';
import { showLoop } from '../loop-context.js';
import { isLive, planRecord, readLoop } from '../loop-view.js';
import { oneLine } from '../../text/one-line.js';
import { skipped, type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';
import { guardLoop, isResult, serverFailed } from './loop-guard.js';
import { planPermitted } from './plan.js';

type LoopTrigger = Extract<Trigger, { kind: 'loop' }>;
const EXPECTED = { pause: 'paused', resume: 'running', stop: 'stopped' } as const;
const DONE = { pause: '⏸️ Paused', resume: '▶️ Resumed', stop: '⏹️ Stopped' } as const;
const FROM: Record<'pause' | 'resume' | 'stop', readonly string[]> = {
  pause: ['running'],
  resume: ['paused'],
  stop: ['running', 'paused'],
};

export async function controlCommand(
  settings: Settings,
  context: ActionContext,
  trigger: LoopTrigger,
  deps: ActionDeps,
): Promise<ActionResult> {
  const { log } = deps;
  const ctx = await guardLoop(settings, context, deps, trigger.sender, { number: trigger.number, isPullRequest: trigger.isPullRequest });
  if (isResult(ctx)) return ctx;
  const command = trigger.command;
  const who = `@${trigger.sender.login}`;
  await ctx.writes.react(trigger.commentId);
  try {
    if (command.verb === 'steer') {
      const live = await ctx.server.status(ctx.chatSessionId);
      if (!isLive(live)) {
        log.info('no loop is running for this plan: the steer re-plans it, as /wild-plan <direction> does');
        return planPermitted(
          settings,
          context,
          {
            kind: 'plan',
            source: 'comment',
            sender: trigger.sender,
            number: trigger.number,
            isPullRequest: trigger.isPullRequest,
            title: trigger.title,
            body: trigger.body,
            steer: command.text,
            commentId: undefined,
          },
          deps,
        );
      }
      const taken = await ctx.server.steer(ctx.chatSessionId, command.text);
      const message = taken
        ? `${who} steered the research loop for #${ctx.issue}; the engine adds it to its next iteration: "${oneLine(command.text, 200)}"`
        : `The research server has no loop for #${ctx.issue} to steer.`;
      const commentUrl = await showLoop(ctx, { session: live, event: `🧭 ${message}` });
      return loopResult(ctx, message, commentUrl, live.session_id);
    }
    if (command.verb !== 'pause' && command.verb !== 'resume' && command.verb !== 'stop')
      return skipped(`\`/wild-plan ${command.verb}\` is not a control command`, log);
    const before = await ctx.server.status(ctx.chatSessionId);
    if (before === null) {
      const message = `No research loop has been started for #${ctx.issue}; \`/wild-plan run\` starts one with the reviewed plan.`;
      const commentUrl = await showLoop(ctx, { event: message });
      return loopResult(ctx, message, commentUrl);
    }
    // Asked of the state first: the server answers pause and resume with the session whatever its
    // state, and its stop turns even a finished loop into a stopped one.
    if (!FROM[command.verb].includes(before.status)) {
      const message = `Nothing to ${command.verb}: the research loop for #${ctx.issue} is ${before.status} (session ${before.session_id}).`;
      const view = await readLoop(ctx.server, before, await planRecord(ctx.server, ctx.chatSessionId));
      return loopResult(ctx, message, await showLoop(ctx, { ...view, event: message }), before.session_id);
    }
    const session = (await ctx.server.control(command.verb, ctx.chatSessionId)) ?? before;
    const changed = session.status === EXPECTED[command.verb];
    // The engine's resume starts its loop task again, which runs its planning iteration anew.
    const resumeNote =
      command.verb === 'resume'
        ? ' The server re-runs its planning iteration on resume; `/wild-plan status` shows whether it kept the plan.'
        : '';
    const message = changed
      ? `${DONE[command.verb]} by ${who}: the research loop for #${ctx.issue} is ${session.status} (session ${session.session_id}).${resumeNote}`
      : `The research server did not ${command.verb} the loop for #${ctx.issue}: it is ${session.status} (session ${session.session_id}).`;
    const view = await readLoop(ctx.server, session, await planRecord(ctx.server, ctx.chatSessionId));
    const commentUrl = await showLoop(ctx, { ...view, event: message });
    return loopResult(ctx, message, commentUrl, session.session_id);
  } catch (error) {
    return serverFailed(settings, error);
  }
}

export function loopResult(
  ctx: { pull: { number: number; url: string } },
  message: string,
  commentUrl: string | undefined,
  loopSessionId?: string,
): ActionResult {
  return {
    status: 'loop-updated',
    message,
    fail: false,
    summary: `## 🔬 wild-plan: research loop\n\n${message}\n`,
    prNumber: ctx.pull.number,
    prUrl: ctx.pull.url,
    commentUrl,
    loopSessionId,
  };
}
