// The register step: each plan (and re-plan) of an issue is the one plan record of that issue on
// the research server — created once, then updated with the new tasks; a re-plan after approval
// goes back to draft. Found by the chat session id, so no run needs to remember its id.
// A server without /plans has the feature off; a failure here costs the record, not the plan.
import type { Log } from '../log.js';
import type { PlanOutcome } from '../planning/outcome.js';
import { ResearchServer, type PlanRecord } from '../server/research.js';
import { serverClientOf, type Settings } from '../settings.js';
import type { ActionContext } from './context.js';
import { chatSessionFor, REVIEW_SECTION } from './loop-words.js';
import type { PlanTarget } from './target.js';

export type Registered = { plan: PlanRecord } | { unsupported: true } | null;

export async function registerPlan(
  settings: Settings,
  context: ActionContext,
  target: PlanTarget,
  outcome: Extract<PlanOutcome, { status: 'planned' }>,
  log: Log,
): Promise<Registered> {
  if (target.mode !== 'issue' || target.number === undefined || settings.dryRun) return null;
  const server = new ResearchServer(serverClientOf(settings));
  const chat = chatSessionFor(context.repo, target.number);
  const title = `${target.title ?? 'Research plan'} (${context.repo.owner}/${context.repo.repo}#${target.number})`;
  try {
    const found = await server.plansFor(chat);
    if (found === 'unsupported') {
      log.info('the research server keeps no plan records (/plans answered 404): approval and runs are not mirrored there');
      return { unsupported: true };
    }
    const waiting = { [REVIEW_SECTION]: 'Waiting for review on GitHub.' };
    const existing = found[0];
    const plan = existing
      ? await server.updatePlan(existing.id, {
          title,
          raw_markdown: outcome.planMarkdown,
          ...(existing.status === 'draft' ? {} : { status: 'draft' }),
          sections: { ...existing.sections, ...waiting },
        })
      : await server.createPlan({
          title,
          goal: outcome.goal.goal,
          session_id: chat,
          raw_markdown: outcome.planMarkdown,
          sections: waiting,
        });
    log.info(`${existing ? 'updated' : 'registered'} the plan on the research server: ${plan.id} (${plan.status})`);
    return { plan };
  } catch (error) {
    log.warning(`could not register the plan on the research server: ${(error as Error).message}`);
    return null;
  }
}
