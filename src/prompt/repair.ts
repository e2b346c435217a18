import type { Finding } from '../plan/types.js';

/**
 * The follow-up for a plan that breaks the planning contract. Agent runs share no memory, so
 * it repeats the original prompt, then shows the plan and what is wrong with it.
 */
export function renderRepairPrompt(originalPrompt: string, previousPlan: string, findings: Finding[], tasksPath: string): string {
  const problems = findings
    .filter((f) => f.severity === 'error')
    .map((f) => `- ${f.line ? `line ${f.line}: ` : ''}[${f.rule}] ${f.message}`)
    .join('\n');
  return `${originalPrompt}

---

## Repair round: correct your plan

You already wrote the plan below to \`${tasksPath}\`, but it breaks the required plan structure:

${problems}

Fix every problem listed, keep everything else that was right, write the corrected plan to
\`${tasksPath}\`, and output the full corrected plan inside <plan>…</plan> as before. Server
preflight already passed; do not create sweeps or runs.

<previous_plan>
${previousPlan.trim()}
</previous_plan>
`;
}
