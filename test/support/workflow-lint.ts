// Security rules for the workflows that run wild-plan (and for the ones in its README, which
// people copy). The action hands untrusted issue text to an agent with a shell, so the
// workflow around it must not add holes of its own.

export type Rule =
  | 'permissions-missing'
  | 'permissions-broad'
  | 'pull-request-target'
  | 'expression-in-run'
  | 'concurrency-missing'
  | 'unpinned-action'
  | 'persisted-credentials';

export interface Violation {
  rule: Rule;
  where: string;
  message: string;
}

/** The only scopes wild-plan writes with: the plan branch, the issue comment, the PR. */
export const WRITE_SCOPES: ReadonlySet<string> = new Set(['contents', 'issues', 'pull-requests']);

// Expressions are expanded into the script text before the shell sees it, so these (written
// by whoever opens an issue, a PR or a dispatch) would run as code. Pass them through `env:`.
const UNTRUSTED_EXPRESSION = /\bgithub\s*(?:\.\s*(?:event|head_ref)\b|\[\s*['"](?:event|head_ref)['"])|\binputs\s*[.[]/;
const FULL_SHA = /^[^@\s]+@[0-9a-f]{40}$/;
// The action itself: `./` in this repository, the checkout the reusable workflow makes, or a release.
const USES_THIS_ACTION = /^\.\/?$|^\.\/\.wild-plan-action\/?$|(^|\/)wild-plan(@|$)/i;
// A job calling the reusable workflow runs wild-plan too.
const USES_REUSABLE = /(^|\/)\.github\/workflows\/wild-plan-reusable\.ya?ml(@|$)/i;
const runsWildPlan = (uses: string) => USES_THIS_ACTION.test(uses) || USES_REUSABLE.test(uses);
// How the README writes a release it cannot name: OWNER and the commit are the reader's to fill in.
const README_PIN = /^OWNER\/wild-plan(\/\.github\/workflows\/wild-plan-reusable\.yml)?@<full-commit-sha>$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Step {
  uses?: string;
  run?: string;
  with?: Obj;
  where: string;
}

export interface LintOptions {
  /** Accept `OWNER/wild-plan@<full-commit-sha>` as pinned: the README's placeholder for a release. */
  readmePlaceholders?: boolean;
}

export function lintWorkflow(doc: unknown, options: LintOptions = {}): Violation[] {
  if (!isObj(doc)) return [{ rule: 'permissions-missing', where: 'workflow', message: 'not a workflow mapping' }];
  const out: Violation[] = [];
  const add = (rule: Rule, where: string, message: string) => out.push({ rule, where, message });
  const jobs = isObj(doc.jobs) ? doc.jobs : {};

  if (triggers(doc.on).includes('pull_request_target')) {
    add('pull-request-target', 'on', 'pull_request_target runs with a write token and secrets on code from forks; use pull_request');
  }
  checkPermissions(doc.permissions, 'workflow', add);
  for (const [id, job] of Object.entries(jobs)) {
    if (!isObj(job)) continue;
    const where = `jobs.${id}`;
    if (job.permissions === undefined && doc.permissions === undefined) {
      add(
        'permissions-missing',
        where,
        'no `permissions` at workflow or job level: the token gets the repository default, which may be write-all',
      );
    }
    checkPermissions(job.permissions, where, add);
    const steps = stepsOf(job, where);
    const jobUsesAction = steps.some((s) => s.uses !== undefined && runsWildPlan(s.uses));
    if (jobUsesAction && !hasGroup(doc.concurrency) && !hasGroup(job.concurrency)) {
      add(
        'concurrency-missing',
        where,
        'runs wild-plan without a `concurrency` group: two runs for one issue would race on its branch and PR',
      );
    }
    for (const step of steps) {
      if (step.uses !== undefined && !(options.readmePlaceholders && README_PIN.test(step.uses))) checkPinned(step.uses, step.where, add);
      if (typeof step.run === 'string') {
        for (const [expression] of step.run.matchAll(/\$\{\{[\s\S]*?\}\}/g)) {
          if (UNTRUSTED_EXPRESSION.test(expression)) {
            add(
              'expression-in-run',
              step.where,
              `${expression} is pasted into the script before the shell runs it; pass it through env: instead`,
            );
          }
        }
      }
      if (
        jobUsesAction &&
        step.uses !== undefined &&
        /^actions\/checkout@/i.test(step.uses) &&
        String(step.with?.['persist-credentials']) !== 'false'
      ) {
        add(
          'persisted-credentials',
          step.where,
          'actions/checkout leaves the token in .git/config, where the agent can read it: set `persist-credentials: false`',
        );
      }
    }
  }
  return out;
}

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return isObj(on) ? Object.keys(on) : [];
}

function checkPermissions(value: unknown, where: string, add: (rule: Rule, where: string, message: string) => void): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    add('permissions-broad', where, `permissions: ${value} grants every scope; list only ${[...WRITE_SCOPES].join(', ')}`);
    return;
  }
  if (!isObj(value)) return;
  for (const [scope, level] of Object.entries(value)) {
    if (level === 'write' && !WRITE_SCOPES.has(scope)) {
      add(
        'permissions-broad',
        `${where}.permissions.${scope}`,
        `${scope}: write is more than wild-plan needs (${[...WRITE_SCOPES].join(', ')})`,
      );
    }
  }
}

function stepsOf(job: Obj, where: string): Step[] {
  // A job that calls a reusable workflow has a `uses` (and `with`) of its own and no steps.
  const own: Step[] = typeof job.uses === 'string' ? [{ uses: job.uses, with: isObj(job.with) ? job.with : undefined, where }] : [];
  const steps = Array.isArray(job.steps) ? job.steps : [];
  return [
    ...own,
    ...steps.filter(isObj).map((s, i) => ({
      uses: typeof s.uses === 'string' ? s.uses : undefined,
      run: typeof s.run === 'string' ? s.run : undefined,
      with: isObj(s.with) ? s.with : undefined,
      where: `${where}.steps[${i}]${typeof s.name === 'string' ? ` (${s.name})` : ''}`,
    })),
  ];
}

function hasGroup(concurrency: unknown): boolean {
  if (typeof concurrency === 'string') return concurrency.trim() !== '';
  return isObj(concurrency) && typeof concurrency.group === 'string' && concurrency.group.trim() !== '';
}

function checkPinned(uses: string, where: string, add: (rule: Rule, where: string, message: string) => void): void {
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses)) add('unpinned-action', where, `${uses}: pin the image by digest (@sha256:…)`);
    return;
  }
  if (!FULL_SHA.test(uses))
    add('unpinned-action', where, `${uses}: pin third-party actions to a full 40-character commit SHA (a tag can be moved)`);
}

/** The ```yaml blocks of a markdown text that are workflows (have `on:` and `jobs:`). */
export function workflowBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)]
    .map((m) => m[1]!)
    .filter((block) => /^on:/m.test(block) && /^jobs:/m.test(block));
}

/** Every ```yaml block of a markdown text, workflows and fragments alike, with its first line. */
export function yamlBlocks(markdown: string): Array<{ line: number; text: string }> {
  return [...markdown.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)].map((m) => ({
    line: markdown.slice(0, m.index).split('\n').length,
    text: m[1]!,
  }));
}

/** Something a shown or shipped workflow gets wrong for its reader, with where it is. */
export interface Finding {
  where: string;
  message: string;
}

/** A step that runs the action, or a job that calls the reusable workflow. */
interface WildPlanCall {
  kind: 'action' | 'reusable';
  where: string;
  with: Obj;
  secrets: unknown;
}

/** The jobs of a workflow, or a README fragment that is a list of steps, as id → job. */
function jobsOf(doc: unknown): Array<[string, Obj]> {
  if (Array.isArray(doc)) return [['(steps)', { steps: doc }]];
  if (!isObj(doc) || !isObj(doc.jobs)) return [];
  return Object.entries(doc.jobs).filter((entry): entry is [string, Obj] => isObj(entry[1]));
}

function wildPlanCalls(doc: unknown): WildPlanCall[] {
  const calls: WildPlanCall[] = [];
  for (const [id, job] of jobsOf(doc)) {
    if (typeof job.uses === 'string' && USES_REUSABLE.test(job.uses)) {
      calls.push({ kind: 'reusable', where: `jobs.${id}`, with: isObj(job.with) ? job.with : {}, secrets: job.secrets });
    }
    for (const step of stepsOf({ steps: job.steps }, `jobs.${id}`)) {
      if (step.uses !== undefined && USES_THIS_ACTION.test(step.uses)) {
        calls.push({ kind: 'action', where: step.where, with: step.with ?? {}, secrets: undefined });
      }
    }
  }
  return calls;
}

/** `with:` keys given to the action that action.yml does not declare (GitHub only warns, and the value is lost). */
export function undeclaredActionInputs(doc: unknown, declared: ReadonlySet<string>): Finding[] {
  return wildPlanCalls(doc)
    .filter((call) => call.kind === 'action')
    .flatMap((call) =>
      Object.keys(call.with)
        .filter((key) => !declared.has(key))
        .map((key) => ({ where: `${call.where}.with.${key}`, message: `\`${key}\` is not an input of action.yml` })),
    );
}

/** What a caller of the reusable workflow passes that it does not declare, or leaves out that it requires. */
export function reusableCallFindings(caller: unknown, reusable: unknown): Finding[] {
  const call = isObj(reusable) && isObj(reusable.on) && isObj(reusable.on.workflow_call) ? reusable.on.workflow_call : {};
  const inputs = isObj(call.inputs) ? call.inputs : {};
  const secrets = isObj(call.secrets) ? call.secrets : {};
  const out: Finding[] = [];
  for (const c of wildPlanCalls(caller).filter((c) => c.kind === 'reusable')) {
    for (const key of Object.keys(c.with)) {
      if (!(key in inputs)) out.push({ where: `${c.where}.with.${key}`, message: `the reusable workflow declares no input \`${key}\`` });
    }
    for (const [name, input] of Object.entries(inputs)) {
      if (isObj(input) && input.required === true && !(name in c.with)) {
        out.push({ where: `${c.where}.with`, message: `the reusable workflow requires the input \`${name}\`` });
      }
    }
    if (c.secrets !== undefined && c.secrets !== 'inherit') {
      for (const key of Object.keys(isObj(c.secrets) ? c.secrets : {})) {
        if (!(key in secrets))
          out.push({ where: `${c.where}.secrets.${key}`, message: `the reusable workflow declares no secret \`${key}\`` });
      }
    }
  }
  return out;
}

// A word that names a file by a relative path (`examples/agents/run-agent.sh`, `./run.sh`):
// not a flag, an absolute path, a URL, a package spec (`@scope/name@1.0`) or an expression.
const REPO_PATH = /^(?:[\w.-]+\/)+[\w.-]*\.[A-Za-z0-9]+$/;

/** Relative file paths named by the action's `agent-command` and by `run:` scripts. */
export function namedRepoPaths(doc: unknown): Array<{ where: string; path: string }> {
  const sources: Array<{ where: string; text: string }> = [];
  for (const call of wildPlanCalls(doc)) {
    const command = call.with['agent-command'];
    if (typeof command === 'string') sources.push({ where: `${call.where}.with.agent-command`, text: command });
  }
  for (const [id, job] of jobsOf(doc)) {
    for (const step of stepsOf({ steps: job.steps }, `jobs.${id}`)) {
      if (step.run !== undefined) sources.push({ where: step.where, text: step.run });
    }
  }
  return sources.flatMap(({ where, text }) =>
    text
      .split(/[\s"'`;|&<>()]+/)
      .filter((word) => REPO_PATH.test(word) && !word.startsWith('-'))
      .map((path) => ({ where, path: path.replace(/^\.\//, '') })),
  );
}

/**
 * Names a workflow reads from a context in its expressions (`inputs.model`, `secrets.OPENAI_API_KEY`),
 * with where; `github.event.inputs.x` is the event's, not the `inputs` context.
 */
export function contextNames(doc: unknown, context: 'inputs' | 'secrets'): Array<{ where: string; name: string }> {
  const found: Array<{ where: string; name: string }> = [];
  const name = new RegExp(`(?<![\\w.-])${context}\\.([A-Za-z_][\\w-]*)`, 'g');
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      for (const [expression] of value.matchAll(/\$\{\{[\s\S]*?\}\}/g)) {
        for (const match of expression.matchAll(name)) found.push({ where, name: match[1]! });
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${where}[${i}]`));
    else if (isObj(value)) for (const [k, v] of Object.entries(value)) visit(v, where ? `${where}.${k}` : k);
  };
  visit(doc, '');
  return found;
}
