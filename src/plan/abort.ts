// The abort checklist the planning prompt asks for when the server preflight fails: every
// item checked and the sentinel present, so execution iterations see there is nothing to do.
import { ABORT_SENTINEL } from './types.js';

/** Prefix of the items that carry a failed check; parsePlan reads the reasons back by it. */
export const ABORT_REASON_PREFIX = 'Preflight check failed:';

/** The fixed closing item; parsePlan leaves it out of the reasons. */
export const ABORT_NO_RUNS_ITEM = 'Planning aborted: no plan written, no sweeps or runs created';

export function renderAbortChecklist(reasons: string[]): string {
  const items = reasons
    .map((r) => r.replace(/\s+/g, ' ').trim())
    .filter((r) => r !== '')
    .map((r) => `- [x] ${ABORT_REASON_PREFIX} ${r}`);
  return [
    `# ${ABORT_SENTINEL}`,
    '',
    'The Wild server docs/API preflight failed, so planning was aborted before any plan was written.',
    '',
    `- [x] ${ABORT_SENTINEL}`,
    ...items,
    `- [x] ${ABORT_NO_RUNS_ITEM}`,
    '',
  ].join('\n');
}
