// The planning prompt's contract (prompts/wild_v2_planning.md) as findings.
//
// Severity: an `error` is a breach of what the prompt says the plan "must" have and a
// machine can tell for sure: phase/task counts and format, ids, the reflection gates, the
// ablation task, the analytics contract and planning notes, broken dependencies. A
// `warning` is either softer wording in the prompt ("prefer 10-25 tasks") or a judgement
// made from wording that can misfire (does a task "run experiments"? does a reflection
// task name its evidence?), so it informs the reviewer without failing the plan.
// The order of the non-phase sections is never a finding: the prompt's own example
// shape is garbled, only its intent (notes, phases ascending, contract) is clear.
import { checkDependencies } from './check-dependencies.js';
import { finding, label } from './finding.js';
import { noteIsEmpty } from './markdown.js';
import { ABORT_SENTINEL, type Finding, type Phase, type Plan, type Task } from './types.js';

/** The numbers the prompt in use sets (readContract reads them from its text); these are every known version's. */
export interface PlanLimits {
  phases: Range;
  tasksPerPhase: Range;
  totalTasks: Range;
  /** The prompt's own example repeats Phases 3 and 4 (the shipped version): a copied example says so. */
  exampleRepeatsPhases: boolean;
}
interface Range {
  min: number;
  max: number;
}

export const DEFAULT_LIMITS: PlanLimits = {
  phases: { min: 4, max: 6 },
  tasksPerPhase: { min: 2, max: 6 },
  totalTasks: { min: 10, max: 25 },
  exampleRepeatsPhases: true,
};
const TASK_FORMAT = '`- [ ] [P<phase>-T<n>] description | deliverable: <path> | done-when: <verifiable condition>`';

export function checkPlan(plan: Plan, limits: PlanLimits = DEFAULT_LIMITS): Finding[] {
  if (plan.abort) {
    const reasons = plan.abortReasons.length > 0 ? `: ${plan.abortReasons.join('; ')}` : '';
    return [
      finding(
        'abort-checklist',
        'warning',
        plan.abortLine,
        `This is the abort checklist (${ABORT_SENTINEL}), not a plan: the server preflight failed${reasons}. Fix the server and run planning again.`,
      ),
    ];
  }
  const tasks = [...plan.phases.flatMap((p) => p.tasks), ...plan.strayTasks];
  if (plan.phases.length === 0 && tasks.length === 0) {
    return [
      finding(
        'plan-empty',
        'error',
        null,
        'No `## Phase N - Title` headings and no task lines were found; write the plan in the shape the planning prompt gives.',
      ),
    ];
  }
  return [
    ...checkPhases(plan.phases, limits),
    ...checkTasks(plan, tasks, limits.totalTasks),
    ...checkReflection(plan.phases, tasks),
    ...checkContent(plan, tasks),
    ...checkDependencies(tasks),
  ];
}

function checkPhases(phases: Phase[], limits: PlanLimits): Finding[] {
  const { phases: PHASES, tasksPerPhase: TASKS_PER_PHASE } = limits;
  const slip = limits.exampleRepeatsPhases ? " (the prompt's own example shape repeats Phases 3 and 4 by mistake)" : '';
  const out: Finding[] = [];
  const byNumber = new Map<number, Phase[]>();
  for (const phase of phases) byNumber.set(phase.number, [...(byNumber.get(phase.number) ?? []), phase]);
  for (const [number, same] of byNumber) {
    if (same.length < 2) continue;
    const lines = same.map((p) => p.line).join(', ');
    for (const dup of same.slice(1)) {
      out.push(
        finding(
          'phase-duplicate',
          'error',
          dup.line,
          `Phase ${number} appears ${same.length} times (lines ${lines}). Keep one \`## Phase ${number}\` section and move its tasks there${slip}.`,
        ),
      );
    }
  }
  if (byNumber.size < PHASES.min || byNumber.size > PHASES.max) {
    out.push(
      finding(
        'phase-count',
        'error',
        phases[0]?.line ?? null,
        `The plan has ${byNumber.size} phases; organise it as ${PHASES.min}-${PHASES.max} phases.`,
      ),
    );
  }
  const numbers = phases.map((p) => p.number);
  const badAt = numbers.findIndex((n, i) => n !== i + 1);
  if (out.every((f) => f.rule !== 'phase-duplicate') && badAt >= 0) {
    out.push(
      finding(
        'phase-numbering',
        'warning',
        phases[badAt]!.line,
        `Phases are numbered ${numbers.join(', ')}; number them 1 to ${numbers.length} in ascending order so task ids stay meaningful.`,
      ),
    );
  }
  // Counted per phase number, so a repeated heading is reported once (as a duplicate), not twice.
  for (const [number, same] of byNumber) {
    const n = same.reduce((sum, p) => sum + p.tasks.length, 0);
    if (n < TASKS_PER_PHASE.min || n > TASKS_PER_PHASE.max) {
      out.push(
        finding(
          'phase-task-count',
          'error',
          same[0]!.line,
          `Phase ${number} has ${n} task${n === 1 ? '' : 's'}; each phase needs ${TASKS_PER_PHASE.min}-${TASKS_PER_PHASE.max} tasks (split or merge phases).`,
        ),
      );
    }
  }
  return out;
}

function checkTasks(plan: Plan, tasks: Task[], TASKS: Range): Finding[] {
  const out: Finding[] = [];
  if (tasks.length < TASKS.min || tasks.length > TASKS.max) {
    out.push(
      finding(
        'task-count',
        'warning',
        null,
        `The plan has ${tasks.length} tasks; the prompt prefers ${TASKS.min}-${TASKS.max} in all. Merge or split tasks so each fits one execution iteration.`,
      ),
    );
  }
  for (const task of plan.strayTasks) {
    out.push(
      finding(
        'task-outside-phase',
        'error',
        task.line,
        `${label(task)} is outside any \`## Phase N - Title\` section; move it under its phase.`,
      ),
    );
  }
  const firstById = new Map<string, Task>();
  for (const task of tasks) {
    const missing = [
      task.checkbox ? null : 'a `[ ]` checkbox',
      task.id ? null : 'an id like `[P2-T3]`',
      task.description ? null : 'a description',
      task.deliverable ? null : 'a `deliverable: <path>` field',
      task.doneWhen ? null : 'a `done-when: <condition>` field',
    ].filter((m): m is string => m !== null);
    if (missing.length > 0) {
      out.push(
        finding('task-format', 'error', task.line, `${label(task)} lacks ${missing.join(', ')}; write every task as ${TASK_FORMAT}.`),
      );
    }
    if (!task.id) continue;
    const first = firstById.get(task.id);
    if (first)
      out.push(
        finding('task-id-duplicate', 'error', task.line, `${task.id} is already used on line ${first.line}; give every task a unique id.`),
      );
    else firstById.set(task.id, task);
  }
  for (const phase of plan.phases) {
    for (const task of phase.tasks) {
      if (task.id && task.phase !== phase.number) {
        out.push(
          finding(
            'task-id-phase',
            'error',
            task.line,
            `${task.id} sits under Phase ${phase.number}; renumber it P${phase.number}-T<n> or move it to Phase ${task.phase}.`,
          ),
        );
      }
    }
  }
  return out;
}

const REFLECTION = /\breflect|\bretrospective|\bre-?plan/i;
const MIDPOINT = /\bmid-?\s?point|\bmid-?way|\bhalf-?way|\binterim|\bmid-(?:plan|project|study)/i;
const FINAL = /\bfinal|\bend-of|\bclosing|\bconcluding|\bwrap-?up/i;
const REFLECTION_PARTS: Array<[string, (text: string) => boolean]> = [
  ['the evidence to inspect', (t) => /\bevidence|\binspect|\bexamin|\breview(?:s|ed|ing)?\b|\blook at/i.test(t)],
  [
    'when to add follow-up tasks or phases',
    (t) => /follow[- ]?up|\badd(?:s|ing)?\b[^.]{0,40}\b(?:tasks?|phases?)\b|\bnew (?:tasks?|phases?)/i.test(t),
  ],
  [
    'the criteria for continuing vs. replanning',
    (t) => /\b(?:continu|proceed|go\/no-go)/i.test(t) && /\b(?:re-?plan|pivot|revis|stop|abandon)/i.test(t),
  ],
];

/** 'midpoint' / 'final' from the description; whichever word comes first decides ("final … unlike the midpoint"). */
function reflectionKind(task: Task): 'midpoint' | 'final' | null {
  const text = task.description;
  if (!REFLECTION.test(text)) return null;
  const mid = text.search(MIDPOINT);
  const fin = text.search(FINAL);
  if (mid < 0 && fin < 0) return null;
  return fin < 0 || (mid >= 0 && mid < fin) ? 'midpoint' : 'final';
}

function fullText(task: Task): string {
  return [task.description, task.deliverable ?? '', task.doneWhen ?? '', ...task.details].join(' \n ');
}

function checkReflection(phases: Phase[], tasks: Task[]): Finding[] {
  const out: Finding[] = [];
  const midpoint = tasks.filter((t) => reflectionKind(t) === 'midpoint');
  const final = tasks.filter((t) => reflectionKind(t) === 'final');
  if (midpoint.length === 0) {
    out.push(
      finding(
        'reflection-midpoint',
        'error',
        null,
        'No midpoint reflection task; add one after the first baseline and main-method results (e.g. `[P4-T1] Midpoint reflection: …`).',
      ),
    );
  }
  if (final.length === 0) {
    out.push(
      finding(
        'reflection-final',
        'error',
        null,
        'No final reflection task; add one at the end of the last phase (e.g. `[P5-T2] Final reflection: …`).',
      ),
    );
  }
  const lastPhase = phases.reduce((max, p) => Math.max(max, p.number), -Infinity);
  for (const task of final) {
    if (phases.length > 0 && task.phase !== lastPhase) {
      out.push(
        finding(
          'reflection-final-position',
          'warning',
          task.line,
          `${label(task)} is a final reflection but sits in Phase ${task.phase}; move it to the last phase (${lastPhase}).`,
        ),
      );
    }
  }
  for (const task of [...midpoint, ...final]) {
    const text = fullText(task);
    const missing = REFLECTION_PARTS.filter(([, has]) => !has(text)).map(([what]) => what);
    if (missing.length > 0) {
      out.push(
        finding(
          'reflection-content',
          'warning',
          task.line,
          `${label(task)} is a reflection gate but does not state ${missing.join(', ')}; the prompt requires all three.`,
        ),
      );
    }
  }
  return out;
}

// A task that runs something, as opposed to one that writes code or analyses results.
const RUN_VERB = /\b(?:train|retrain|fine-?tune|evaluate|run|launch|execute|reproduce|sweep|benchmark)\b/i;
const RUN_OBJECT = /\b(?:runs|experiments?|baselines?|models?|seeds|sweeps?|checkpoints?|grid|trials?|ablations?|hyperparameters?)\b/i;
const API_FLOW = /\bsweeps?\b|\/runs\b|\/sweeps\b|\bruns?\s+(?:api|endpoints?)\b|\b(?:tracked|api|server)[- ](?:runs?|experiments?)\b/i;
// "run" naming a thing rather than doing one ("deterministic run names", "a run manifest"):
// dropped before RUN_VERB looks, so a task that sets up naming or logging is not an experiment.
const RUN_AS_NOUN = /\brun[- ](?:names?|naming|ids?|manifests?|logs?|director(?:y|ies)|dirs?|folders?|metadata|labels?|tags?|records?)\b/gi;

function checkContent(plan: Plan, tasks: Task[]): Finding[] {
  const out: Finding[] = [];
  if (!tasks.some((t) => /\bablat|\bsensitivity/i.test([t.description, t.deliverable ?? '', ...t.details].join(' ')))) {
    out.push(
      finding(
        'ablation-task',
        'error',
        null,
        'No ablation or sensitivity-analysis task; dedicate at least one task to it (e.g. "Ablation: …").',
      ),
    );
  }
  for (const task of tasks) {
    const what = [task.description, ...task.details].join(' ');
    const doing = what.replace(RUN_AS_NOUN, ' ');
    if (reflectionKind(task) || !RUN_VERB.test(doing) || !RUN_OBJECT.test(what) || API_FLOW.test(fullText(task))) continue;
    out.push(
      finding(
        'experiment-api-flow',
        'warning',
        task.line,
        `${label(task)} runs experiments but does not name the tracked flow; say it creates a sweep (POST /sweeps/wild) and one run per configuration (POST /runs), never a direct \`python train.py\`.`,
      ),
    );
  }
  const contract = plan.contract;
  if (!contract) {
    out.push(
      finding(
        'analytics-contract',
        'error',
        null,
        'No `## Shared Metrics and Analytics Contract` section; add it with primary metrics, secondary diagnostics, statistical checks and required artifacts.',
      ),
    );
  } else {
    const items: Array<[string, string | null, string]> = [
      ['Primary metrics', contract.primaryMetrics, 'primaryMetrics'],
      ['Secondary diagnostics', contract.secondaryDiagnostics, 'secondaryDiagnostics'],
      ['Statistical checks', contract.statisticalChecks, 'statisticalChecks'],
      ['Required artifacts', contract.requiredArtifacts, 'requiredArtifacts'],
    ];
    for (const [name, value, key] of items) {
      if (value) continue;
      const line = contract.items.find((i) => i.key === key)?.line ?? contract.line;
      out.push(
        finding(
          'analytics-contract-item',
          'error',
          line,
          `The analytics contract ${value === null ? 'has no' : 'leaves empty the'} "${name}" item; add \`- ${name}: …\` with concrete content.`,
        ),
      );
    }
  }
  const notes = plan.notes;
  if (!notes) {
    out.push(
      finding(
        'planning-notes',
        'error',
        null,
        'No `## Planning Notes` section; add key codebase findings, key risks and assumptions, and the experiment root and logging layout decision.',
      ),
    );
  } else {
    const kinds = [
      ['codebase-findings', 'Key codebase findings'],
      ['risks-and-assumptions', 'Key risks and assumptions'],
      ['experiment-layout', 'Experiment root and logging layout decision'],
    ] as const;
    for (const [kind, name] of kinds) {
      if (!notes.present[kind])
        out.push(finding('planning-notes-item', 'error', notes.line, `Planning Notes lack "${name}"; add \`- ${name}: …\`.`));
    }
    for (const item of notes.items) {
      if (item.kind && noteIsEmpty(item.text, item.details)) {
        out.push(
          finding(
            'planning-notes-empty',
            'warning',
            item.line,
            `The planning note "${item.text}" is only a label; write what was found or decided.`,
          ),
        );
      }
    }
  }
  return out;
}
