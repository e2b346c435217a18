// What every research-loop command checks first, as planning does: the sender may write to the
// repository (readers and bots change nothing), and the command has a plan PR to act on.
import type { Sender } from '../../trigger.js';
import type { Settings } from '../../settings.js';
import type { ActionContext } from '../context.js';
import { loopContext, type LoopContext, type LoopWhere } from '../loop-context.js';
import { failed, skipped, type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';
import { ResearchServerError } from '../../server/research.js';
import { permissionStep } from './permission-step.js';

export async function guardLoop(
  settings: Settings,
  context: ActionContext,
  deps: ActionDeps,
  sender: Sender | null,
  where: LoopWhere,
): Promise<LoopContext | ActionResult> {
  if (sender !== null) {
    const allowed = await permissionStep(context, deps, sender.login);
    if ('result' in allowed) return allowed.result;
  }
  const ctx = await loopContext(settings, context, deps, where);
  return typeof ctx === 'string' ? skipped(ctx, deps.log) : ctx;
}

export function isResult(value: LoopContext | ActionResult): value is ActionResult {
  return 'status' in value;
}

/** The research server did not take the command: the step fails with what it said and which server. */
export function serverFailed(settings: Settings, error: unknown): ActionResult {
  if (!(error instanceof ResearchServerError)) throw error;
  return failed(`The research server at ${settings.serverUrl} did not take the command: ${error.message}`);
}
