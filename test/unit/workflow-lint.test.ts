import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintWorkflow, workflowBlocks, type Rule } from '../support/workflow-lint.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const WORKFLOWS = readdirSync(root('.github/workflows')).filter((f) => /\.ya?ml$/.test(f));
const README_BLOCKS = workflowBlocks(readFileSync(root('README.md'), 'utf8'));

const rulesOf = (yamlText: string): Rule[] => lintWorkflow(parse(yamlText)).map((v) => v.rule);

describe('the repository workflows', () => {
  it.each(WORKFLOWS)('.github/workflows/%s passes', (file) => {
    expect(lintWorkflow(parse(readFileSync(root(`.github/workflows/${file}`), 'utf8')))).toEqual([]);
  });

  it('finds the workflow the README shows', () => {
    expect(README_BLOCKS.length).toBeGreaterThan(0);
  });

  it.each(README_BLOCKS.map((block, i) => [i + 1, block] as const))('README workflow block %i passes', (_n, block) => {
    expect(lintWorkflow(parse(block))).toEqual([]);
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
