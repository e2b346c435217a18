// The first step of every command an event asks for: the sender may write to the repository.
// A reader's or a bot's request ends here, before anything is written anywhere; a permission
// GitHub did not answer fails without a status comment (whether the sender may get one is what
// could not be checked).
import { checkSenderPermission } from '../../github/permission.js';
import type { ActionContext } from '../context.js';
import { refused, skipped, type ActionResult } from '../result.js';
import type { ActionDeps } from '../router.js';

/** The sender's permission ("write", "admin"…), or the result that ends the command. */
export async function permissionStep(
  context: ActionContext,
  deps: ActionDeps,
  login: string,
): Promise<{ permission: string } | { result: ActionResult }> {
  const permission = await checkSenderPermission(deps.client, context.repo, login);
  if (permission.kind === 'error') return { result: refused(permission.reason, deps.log) };
  if (permission.kind === 'denied') return { result: skipped(permission.reason, deps.log) };
  return { permission: permission.permission };
}
