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
const USES_THIS_ACTION = /^\.\/?$|(^|\/)wild-plan(@|$)/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Step {
  uses?: string;
  run?: string;
  with?: Obj;
  where: string;
}

export function lintWorkflow(doc: unknown): Violation[] {
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
    const jobUsesAction = steps.some((s) => s.uses !== undefined && USES_THIS_ACTION.test(s.uses));
    if (jobUsesAction && !hasGroup(doc.concurrency) && !hasGroup(job.concurrency)) {
      add(
        'concurrency-missing',
        where,
        'runs wild-plan without a `concurrency` group: two runs for one issue would race on its branch and PR',
      );
    }
    for (const step of steps) {
      if (step.uses !== undefined) checkPinned(step.uses, step.where, add);
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
  // A job that calls a reusable workflow has a `uses` of its own and no steps.
  const own: Step[] = typeof job.uses === 'string' ? [{ uses: job.uses, where }] : [];
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
