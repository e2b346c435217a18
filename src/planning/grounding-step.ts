// The grounding step: what the plan names, checked against the base commit's tree and the
// research server's OpenAPI paths and skill ids. Warnings only; a check that cannot be made
// (no repository, no OpenAPI description) is left out rather than guessed.
import { trackedPaths } from '../git/base-tree.js';
import type { Log } from '../log.js';
import { groundingFindings, namedInPlan } from '../plan/grounding.js';
import type { Finding, Plan } from '../plan/types.js';
import type { PreflightReport } from '../server/preflight.js';

export async function groundingStep(workspace: string, plan: Plan, preflight: PreflightReport, log: Log): Promise<Finding[]> {
  if (plan.abort) return [];
  const tracked = await trackedPaths(workspace);
  const findings = groundingFindings(namedInPlan(plan), {
    // Outside a repository nothing can be said about files: every path passes.
    fileExists: (path) => tracked === null || tracked.has(path),
    openapi: preflight.openapi ?? null,
    skillIds: preflight.skills ? preflight.skills.map((skill) => skill.id) : null,
  });
  if (findings.length > 0) {
    log.info(
      `Grounding: ${findings.length} name${findings.length === 1 ? '' : 's'} in the plan not found in the repository or on the server.`,
    );
  }
  return findings;
}
