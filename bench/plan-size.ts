// How the plan model (parse + check + present) scales with plan size. Agents write 10-25
// tasks, but a runaway agent can write thousands; the cost must stay linear so that a huge
// tasks.md costs seconds, not hours. Run: npx tsx bench/plan-size.ts
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkPlan } from '../src/plan/check.js';
import { parsePlan } from '../src/plan/parse.js';
import { presentPlanComment } from '../src/plan/present.js';

export interface PlanSizeRow {
  tasks: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  perTaskUs: number;
}

const TASKS_PER_PHASE = 5;

/** A well-formed plan of `taskCount` tasks: realistic lines, a dependency chain, cross-phase links. */
export function generatePlanMarkdown(taskCount: number): string {
  const lines = [
    '## Planning Notes',
    '- Key codebase findings: `train.py` is the entry point; configs in `configs/`.',
    '- Key risks and assumptions: three seeds are enough to separate the methods.',
    '- Experiment root and logging layout decision: `exp/<name>/{scripts,logs,outputs,results,analysis,metadata}`.',
  ];
  const phases = Math.ceil(taskCount / TASKS_PER_PHASE);
  let written = 0;
  for (let p = 1; p <= phases; p++) {
    lines.push('', `## Phase ${p} - Experiment block ${p}`);
    for (let t = 1; t <= TASKS_PER_PHASE && written < taskCount; t++, written++) {
      const deps = [t > 1 ? `P${p}-T${t - 1}` : null, p > 1 && t === 1 ? `P${p - 1}-T1` : null].filter(Boolean);
      const dep = deps.length > 0 ? ` | depends on ${deps.join(', ')}` : '';
      const what =
        written === 1
          ? 'Midpoint reflection: inspect the evidence, add follow-up tasks, decide continue vs. replan'
          : written === taskCount - 1
            ? 'Final reflection: inspect the evidence, add follow-up tasks, decide continue vs. replan'
            : written === 2
              ? 'Ablation of the `lr` schedule | sensitivity to warmup'
              : `Train variant ${written} (lr=1e-${(written % 4) + 2}, seed=${written % 3}) via a sweep with one POST /runs per seed`;
      lines.push(
        `- [ ] [P${p}-T${t}] ${what} | deliverable: exp/v${written}/results.csv | done-when: 3 runs finished in \`GET /runs\`${dep}`,
      );
    }
  }
  lines.push(
    '',
    '## Shared Metrics and Analytics Contract',
    '- Primary metrics: top-1 accuracy',
    '- Secondary diagnostics: loss curves',
    '- Statistical checks: bootstrap 95% CIs over seeds',
    '- Required artifacts: results tables, plots',
  );
  return `${lines.join('\n')}\n`;
}

function runOnce(markdown: string): number {
  const start = performance.now();
  const plan = parsePlan(markdown);
  const findings = checkPlan(plan);
  presentPlanComment(plan, findings, { fileUrl: 'https://github.com/o/r/blob/wild-plan/issue-1/tasks.md' });
  return performance.now() - start;
}

export async function benchPlanSize(sizes = [25, 1_000, 10_000], runs = 7): Promise<PlanSizeRow[]> {
  const rows: PlanSizeRow[] = [];
  for (const tasks of sizes) {
    const markdown = generatePlanMarkdown(tasks);
    runOnce(markdown); // warm-up: JIT and regex compilation
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(runOnce(markdown));
      await new Promise((r) => setImmediate(r));
    }
    times.sort((a, b) => a - b);
    const medianMs = times[Math.floor(times.length / 2)]!;
    rows.push({ tasks, medianMs, minMs: times[0]!, maxMs: times.at(-1)!, perTaskUs: (medianMs * 1000) / tasks });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const rows = await benchPlanSize();
  const fmt = (n: number): string => n.toFixed(2).padStart(10);
  console.log(
    `${'tasks'.padStart(7)} ${'median ms'.padStart(10)} ${'min ms'.padStart(10)} ${'max ms'.padStart(10)} ${'µs/task'.padStart(10)}`,
  );
  for (const r of rows)
    console.log(`${String(r.tasks).padStart(7)} ${fmt(r.medianMs)} ${fmt(r.minMs)} ${fmt(r.maxMs)} ${fmt(r.perTaskUs)}`);
}
