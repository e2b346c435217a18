import { HANDLED_EVENTS } from '../../src/quick-skip.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import {
  contextNames,
  lintWorkflow,
  namedRepoPaths,
  reusableCallFindings,
  undeclaredActionInputs,
  workflowBlocks,
  yamlBlocks,
  type Rule,
} from '../support/workflow-lint.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const WORKFLOWS = readdirSync(root('.github/workflows')).filter((f) => /\.ya?ml$/.test(f));
const README = readFileSync(root('README.md'), 'utf8');
const README_BLOCKS = workflowBlocks(README);
const README_YAML = yamlBlocks(README);
const ACTION_INPUTS: ReadonlySet<string> = new Set(Object.keys(parse(readFileSync(root('action.yml'), 'utf8')).inputs));
const REUSABLE_PATH = '.github/workflows/wild-plan-reusable.yml';
const REUSABLE = parse(readFileSync(root(REUSABLE_PATH), 'utf8'));

/** Every workflow a reader sees: the shipped files and the README's blocks (fragments too). */
const SHOWN: Array<[string, unknown]> = [
  ...WORKFLOWS.map((f): [string, unknown] => [`.github/workflows/${f}`, parse(readFileSync(root(`.github/workflows/${f}`), 'utf8'))]),
  ...README_YAML.map((b): [string, unknown] => [`README.md block at line ${b.line}`, parse(b.text)]),
];

const rulesOf = (yamlText: string): Rule[] => lintWorkflow(parse(yamlText)).map((v) => v.rule);

describe('the repository workflows', () => {
  it.each(WORKFLOWS)('.github/workflows/%s passes', (file) => {
    expect(lintWorkflow(parse(readFileSync(root(`.github/workflows/${file}`), 'utf8')))).toEqual([]);
  });

  it('finds the workflows the README shows', () => {
    // The main example and the org-wide caller.
    expect(README_BLOCKS.length).toBeGreaterThanOrEqual(2);
  });

  it.each(README_BLOCKS.map((block, i) => [i + 1, block] as const))('README workflow block %i passes', (_n, block) => {
    expect(lintWorkflow(parse(block), { readmePlaceholders: true })).toEqual([]);
  });
});

describe('what a reader copies works', () => {
  it.each(README_YAML.map((b) => [b.line, b.text] as const))('the README yaml block at line %i parses cleanly', (_line, text) => {
    const doc = parseDocument(text);
    expect(doc.errors.map(String)).toEqual([]);
    expect(doc.warnings.map(String)).toEqual([]);
    expect(doc.toJS()).not.toBeNull();
  });

  it('names wild-plan in the README only as a pinned release to fill in, never `uses: ./`', () => {
    const uses = README_YAML.flatMap((b) => [...b.text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)/gm)].map((m) => m[1]!));
    const wildPlan = uses.filter((u) => !u.startsWith('actions/'));
    expect(wildPlan.length).toBeGreaterThanOrEqual(5);
    for (const u of wildPlan) expect(u).toMatch(/^OWNER\/wild-plan(\/\.github\/workflows\/wild-plan-reusable\.yml)?@<full-commit-sha>$/);
  });

  it.each(SHOWN)('%s gives wild-plan only inputs action.yml declares', (_where, doc) => {
    expect(undeclaredActionInputs(doc, ACTION_INPUTS)).toEqual([]);
  });

  it.each(SHOWN)('%s names only repository files that exist', (_where, doc) => {
    expect(namedRepoPaths(doc).filter(({ path }) => !existsSync(root(path)))).toEqual([]);
  });

  it('shows a command agent whose script ships here, and the script is valid bash', () => {
    const named = SHOWN.flatMap(([, doc]) => namedRepoPaths(doc).map((p) => p.path));
    expect(named).toContain('examples/agents/run-agent.sh');
    expect(() => execFileSync('bash', ['-n', root('examples/agents/run-agent.sh')])).not.toThrow();
  });

  it('lists in its main workflow every event wild-plan acts on (HANDLED_EVENTS), and the shipped workflow too', () => {
    const main = parse(README_BLOCKS[0]!) as { on: Record<string, { types?: string[]; inputs?: Record<string, unknown> }> };
    const shipped = parse(readFileSync(root('.github/workflows/wild-plan.yml'), 'utf8')) as typeof main;
    for (const workflow of [main, shipped]) {
      expect(Object.keys(workflow.on).sort()).toEqual(Object.keys(HANDLED_EVENTS).sort());
      for (const [event, types] of Object.entries(HANDLED_EVENTS)) {
        if (types.length > 0) expect(workflow.on[event]?.types, event).toEqual(types);
      }
      expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {}).sort()).toEqual(['goal', 'issue-number', 'steer']);
    }
  });

  it('sets in the step env every key the README forwards with agent-env', () => {
    for (const block of README_YAML) {
      const doc = parse(block.text) as unknown;
      const steps = Array.isArray(doc)
        ? doc
        : Object.values((doc as { jobs?: Record<string, { steps?: unknown[] }> }).jobs ?? {}).flatMap((j) => j.steps ?? []);
      for (const step of steps as Array<{ env?: Record<string, string>; with?: Record<string, string> }>) {
        const names = (step.with?.['agent-env'] ?? '').split(/[\s,]+/).filter(Boolean);
        for (const name of names) expect(step.env?.[name], `${name} at README line ${block.line}`).toBe(`\${{ secrets.${name} }}`);
      }
    }
  });
});

describe('the reusable workflow', () => {
  const call = REUSABLE.on.workflow_call as {
    inputs: Record<string, { required?: boolean; default?: unknown }>;
    secrets: Record<string, unknown>;
  };
  const callers = README_YAML.map((b) => parse(b.text) as unknown).filter((doc) => JSON.stringify(doc).includes('wild-plan-reusable.yml@'));

  it('is called from the README, and declares everything the caller passes or must pass', () => {
    expect(callers.length).toBeGreaterThan(0);
    for (const caller of callers) expect(reusableCallFindings(caller, REUSABLE)).toEqual([]);
  });

  it('passes the action only inputs action.yml declares, and runs it once', () => {
    expect(undeclaredActionInputs(REUSABLE, ACTION_INPUTS)).toEqual([]);
    const steps = (REUSABLE.jobs.plan.steps as Array<{ uses?: string }>).filter((s) => s.uses === './.wild-plan-action');
    expect(steps).toHaveLength(1);
  });

  it('reads only inputs and secrets it declares', () => {
    const inputs = contextNames(REUSABLE, 'inputs').filter(({ name }) => !(name in call.inputs));
    const secrets = contextNames(REUSABLE, 'secrets').filter(({ name }) => !(name in call.secrets) && name !== 'GITHUB_TOKEN');
    expect(inputs).toEqual([]);
    expect(secrets).toEqual([]);
    expect(contextNames(REUSABLE, 'inputs').length).toBeGreaterThan(10);
  });

  it('defaults each action input it passes to what action.yml defaults to, unless the README says otherwise', () => {
    const action = parse(readFileSync(root('action.yml'), 'utf8')).inputs as Record<string, { default?: string }>;
    // The reusable workflow picks a real agent, where the action's default needs agent-command.
    const chosen: Record<string, string> = { agent: 'claude-code', 'agent-env': 'ANTHROPIC_API_KEY' };
    for (const [name, input] of Object.entries(call.inputs)) {
      if (!(name in action) || input.required) continue;
      expect(String(input.default), name).toBe(chosen[name] ?? action[name]!.default);
    }
  });

  it('sets each provider key it declares in the action step env, so agent-env can forward it', () => {
    const step = (REUSABLE.jobs.plan.steps as Array<{ uses?: string; env?: Record<string, string> }>).find(
      (s) => s.uses === './.wild-plan-action',
    );
    for (const name of Object.keys(call.secrets).filter((n) => n !== 'WILD_SERVER_TOKEN')) {
      expect(step?.env?.[name], name).toBe(`\${{ secrets.${name} }}`);
    }
  });
});

describe('the checks above catch what they are for', () => {
  const step = (extra: string) => parse(`- uses: OWNER/wild-plan@<full-commit-sha>\n  with:\n    server-url: x\n${extra}`);

  it('an input action.yml does not declare', () => {
    expect(undeclaredActionInputs(step('    prompt-fil: p.md\n'), ACTION_INPUTS)).toEqual([
      { where: 'jobs.(steps).steps[0].with.prompt-fil', message: '`prompt-fil` is not an input of action.yml' },
    ]);
  });

  it('the missing script the old workflow named', () => {
    const paths = namedRepoPaths(step('    agent: command\n    agent-command: bash .github/wild-plan/run-agent.sh\n'));
    expect(paths).toEqual([{ where: 'jobs.(steps).steps[0].with.agent-command', path: '.github/wild-plan/run-agent.sh' }]);
    expect(existsSync(root(paths[0]!.path))).toBe(false);
  });

  it('paths in run scripts, but not packages, flags, absolute paths, URLs or expressions', () => {
    const doc = parse(
      [
        '- run: |',
        '    npm install -g @anthropic-ai/claude-code@2.1.332',
        '    ./scripts/setup.sh --out=/tmp/x.log > /dev/null',
        '    curl -sf https://example.org/a/b.json; cat "$WILD_TASKS_PATH" ${{ runner.temp }}/x.md',
        '    python tools/check.py',
      ].join('\n'),
    );
    expect(namedRepoPaths(doc).map((p) => p.path)).toEqual(['scripts/setup.sh', 'tools/check.py']);
  });

  it('a caller passing an input or a secret the reusable workflow does not declare, or leaving out a required one', () => {
    const caller = (withBlock: string, secrets: string) =>
      parse(
        `jobs:\n  plan:\n    uses: OWNER/wild-plan/.github/workflows/wild-plan-reusable.yml@<full-commit-sha>\n    with:\n${withBlock}    secrets: ${secrets}\n`,
      );
    const good = '      wild-plan-repository: OWNER/wild-plan\n      wild-plan-ref: abc\n      server-url: x\n';
    expect(reusableCallFindings(caller(good, 'inherit'), REUSABLE)).toEqual([]);
    expect(reusableCallFindings(caller(`${good}      modle: m\n`, 'inherit'), REUSABLE).map((f) => f.message)).toEqual([
      'the reusable workflow declares no input `modle`',
    ]);
    expect(reusableCallFindings(caller(good.replace('      server-url: x\n', ''), 'inherit'), REUSABLE).map((f) => f.message)).toEqual([
      'the reusable workflow requires the input `server-url`',
    ]);
    expect(reusableCallFindings(caller(good, '{ GH_PAT: x }'), REUSABLE).map((f) => f.message)).toEqual([
      'the reusable workflow declares no secret `GH_PAT`',
    ]);
  });

  it("the inputs context, not the event's inputs", () => {
    const doc = parse('a: ${{ inputs.model }}\nb: ${{ github.event.inputs.goal }}\nc: "${{ secrets.X }} ${{ inputs[\'y\'] }}"\n');
    expect(contextNames(doc, 'inputs')).toEqual([{ where: 'a', name: 'model' }]);
    expect(contextNames(doc, 'secrets')).toEqual([{ where: 'c', name: 'X' }]);
  });

  it('the README placeholder passes as pinned only where asked, and only in its own form', () => {
    const readmeStep = GOOD.replace('- uses: ./\n', '- uses: OWNER/wild-plan@<full-commit-sha>\n');
    expect(rulesOf(readmeStep)).toEqual(['unpinned-action']);
    expect(lintWorkflow(parse(readmeStep), { readmePlaceholders: true })).toEqual([]);
    const branch = GOOD.replace('- uses: ./\n', '- uses: OWNER/wild-plan@main\n');
    expect(lintWorkflow(parse(branch), { readmePlaceholders: true }).map((v) => v.rule)).toEqual(['unpinned-action']);
  });

  it('a job calling the reusable workflow needs a concurrency group and permissions of the caller', () => {
    const caller = [
      'on: { issues: { types: [labeled] } }',
      'jobs:',
      '  plan:',
      '    uses: OWNER/wild-plan/.github/workflows/wild-plan-reusable.yml@11bd71901bbe5b1630ceea73d27597364c9af683',
      '    secrets: inherit',
    ].join('\n');
    expect(rulesOf(caller)).toEqual(['permissions-missing', 'concurrency-missing']);
  });
});

// A workflow that passes; each case below changes one thing and must trip exactly its rule.
const GOOD = `
name: wild-plan
on:
  issues:
    types: [labeled]
permissions:
  contents: write
  issues: write
  pull-requests: write
concurrency:
  group: wild-plan-\${{ github.event.issue.number }}
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          persist-credentials: false
      - run: echo "$TITLE"
        env:
          TITLE: \${{ github.event.issue.title }}
      - uses: ./
        with:
          server-url: \${{ vars.WILD_SERVER_URL }}
`;

const mutate = (from: string, to: string) => {
  if (!GOOD.includes(from)) throw new Error(`test setup: ${from} not in GOOD`);
  return GOOD.replace(from, to);
};

describe('each rule catches a bad workflow', () => {
  it('passes the good example', () => {
    expect(rulesOf(GOOD)).toEqual([]);
  });

  const cases: Array<[string, string, Rule[]]> = [
    [
      'no permissions anywhere',
      mutate('permissions:\n  contents: write\n  issues: write\n  pull-requests: write\n', ''),
      ['permissions-missing'],
    ],
    [
      'write-all',
      mutate('permissions:\n  contents: write\n  issues: write\n  pull-requests: write\n', 'permissions: write-all\n'),
      ['permissions-broad'],
    ],
    [
      'a write scope wild-plan does not need',
      mutate('  pull-requests: write\n', '  pull-requests: write\n  actions: write\n'),
      ['permissions-broad'],
    ],
    [
      'a job-level write scope it does not need',
      mutate('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    permissions:\n      packages: write\n'),
      ['permissions-broad'],
    ],
    ['pull_request_target', mutate('  issues:\n    types: [labeled]\n', '  pull_request_target:\n'), ['pull-request-target']],
    [
      'pull_request_target in a list',
      mutate('on:\n  issues:\n    types: [labeled]\n', 'on: [issues, pull_request_target]\n'),
      ['pull-request-target'],
    ],
    ['the issue title pasted into a script', mutate('echo "$TITLE"', 'echo "${{ github.event.issue.title }}"'), ['expression-in-run']],
    ['a dispatch input pasted into a script', mutate('echo "$TITLE"', 'echo ${{ inputs.goal }}'), ['expression-in-run']],
    ['the head branch name pasted into a script', mutate('echo "$TITLE"', "git checkout ${{ github['head_ref'] }}"), ['expression-in-run']],
    ['no concurrency group', mutate('concurrency:\n  group: wild-plan-${{ github.event.issue.number }}\n', ''), ['concurrency-missing']],
    [
      'an action pinned to a tag',
      mutate('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', 'actions/checkout@v4'),
      ['unpinned-action'],
    ],
    [
      'an action pinned to a short SHA',
      mutate('actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', 'actions/checkout@11bd719'),
      ['unpinned-action'],
    ],
    ['a released wild-plan on a branch', mutate('- uses: ./\n', '- uses: example/wild-plan@main\n'), ['unpinned-action']],
    ['a docker image by tag', mutate('      - run: echo', '      - uses: docker://alpine:3\n      - run: echo'), ['unpinned-action']],
    [
      'checkout keeps the token in .git/config',
      mutate('        with:\n          persist-credentials: false\n', ''),
      ['persisted-credentials'],
    ],
  ];

  it.each(cases)('%s', (_name, workflow, expected) => {
    expect(rulesOf(workflow)).toEqual(expected);
  });

  it('accepts job-level permissions and concurrency instead of workflow-level ones', () => {
    const jobLevel = mutate(
      'permissions:\n  contents: write\n  issues: write\n  pull-requests: write\nconcurrency:\n  group: wild-plan-${{ github.event.issue.number }}\n',
      '',
    ).replace(
      '    runs-on: ubuntu-latest\n',
      '    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    concurrency: wild-plan\n',
    );
    expect(rulesOf(jobLevel)).toEqual([]);
  });
});
