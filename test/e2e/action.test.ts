// The BUILT action (dist/index.js, as committed: CI runs the tests before it rebuilds) run as
// a process with the environment GitHub's runner gives a JavaScript action, against the fake
// GitHub, the Wild server fake, a real git origin and the scripted agent. Checks what a
// workflow sees: the exit code, the step outputs, the job summary, what landed on GitHub and
// on origin, and that neither token leaks anywhere.
//
// The production client spaces GitHub writes 1–3 s apart and cannot be tuned from outside,
// so each run takes several seconds; the cases are independent (own fakes, own origin) and
// run concurrently.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOT_AUTHOR } from '../../src/git/commit.js';
import { basicCredential } from '../../src/git/auth.js';
import { agentWritableDir, checkoutSnapshot, expectedIsolation, uidOf } from '../support/isolation-machine.js';
import {
  ActionScenario,
  DIST_ENTRY,
  labeledIssueEvent,
  PLAN_MARKER,
  STATUS_MARKER,
  type DistRun,
  type ScenarioOptions,
} from '../support/action-harness.js';

const TIMEOUT = 90_000;

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing; dist/ is committed — run npm run build`);
});

async function withScenario(options: ScenarioOptions, fn: (s: ActionScenario) => Promise<void>): Promise<void> {
  const s = await ActionScenario.create(options);
  try {
    await fn(s);
  } finally {
    await s.dispose();
  }
}

/** Neither token in the log (bar the runner's own ::add-mask:: lines), a request body, an output, or a commit. */
async function expectNoSecretLeaks(s: ActionScenario, run: DistRun, { masked }: { masked: boolean }) {
  const log = `${run.stdout}\n${run.stderr}`;
  if (masked) {
    // The runner masks what the action registers; registering is the one place a secret may appear.
    expect(run.stdout).toContain(`::add-mask::${s.githubToken}\n`);
    expect(run.stdout).toContain(`::add-mask::${s.serverToken}\n`);
  }
  const unmasked = log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  const githubBodies = JSON.stringify(s.fake.requests.map((r) => r.body ?? null));
  const wildTraffic = JSON.stringify(s.wild.requests.map((r) => [r.path, r.query, r.headers, r.body]));
  const origin = await s.originDump();
  const published = `${JSON.stringify(run.outputs)}\n${run.summary}`;
  for (const secret of [s.githubToken, s.serverToken, Buffer.from(`x-access-token:${s.githubToken}`).toString('base64')]) {
    expect(unmasked).not.toContain(secret);
    expect(githubBodies).not.toContain(secret);
    expect(origin).not.toContain(secret);
    expect(published).not.toContain(secret);
  }
  // The GitHub token never goes to the research server.
  expect(wildTraffic).not.toContain(s.githubToken);
}

describe.concurrent('dist/index.js as GitHub runs it', () => {
  it(
    'label → planned: exit 0, every output set, a job summary, the branch, the PR and both comments',
    async () => {
      await withScenario({}, async (s) => {
        const run = await s.runDist();

        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(s.fake.violations).toEqual([]);
        const out = run.outputs;
        expect(out).toMatchObject({
          status: 'planned',
          branch: 'wild-plan/issue-1',
          'pr-number': '2',
          'pr-url': `${s.fake.htmlUrl}/${s.repo}/pull/2`,
          'tasks-path': '.wild/plans/issue-1/tasks.md',
          'playbook-path': '.wild/plans/issue-1/prompt_skill_playbook.md',
        });
        expect(out['session-id']).toMatch(/^wild-[0-9a-f]+$/);
        const plan = JSON.parse(out['plan-json'] ?? 'null') as { counts: { phases: number; tasks: number }; findings: unknown[] };
        expect(plan.counts).toMatchObject({ phases: 5, tasks: 13 });
        expect(Array.isArray(plan.findings)).toBe(true);

        const planComment = s.marked(2, PLAN_MARKER);
        expect(planComment).toHaveLength(1);
        expect(out['comment-url']).toBe(`${s.fake.htmlUrl}/${s.repo}/pull/2#issuecomment-${planComment[0]!.id}`);
        expect(run.summary).toContain('## ✅ wild-plan: planned');
        expect(run.summary).toContain('### Research server preflight');

        const commits = await s.git.remoteLog('wild-plan/issue-1', s.defaultBranch);
        expect(commits).toHaveLength(1);
        const commit = await s.git.commit(commits[0]!);
        expect(commit.authorName).toBe(BOT_AUTHOR.name);
        expect(commit.files.sort()).toEqual(['.wild/plans/issue-1/prompt_skill_playbook.md', '.wild/plans/issue-1/tasks.md']);
        expect(s.fake.pulls(s.repo).map((p) => p.title)).toEqual(['Plan: Spelling error in the README file']);
        expect(s.marked(1, STATUS_MARKER)[0]!.body).toContain('### ✅ Plan ready: [#2]');
        // The agent reached the auth-on server through the proxy: nothing it asked was refused.
        expect(s.wild.requests.filter((r) => r.status === 401)).toEqual([]);
        // Log groups; the scripted plan keeps the contract, so no finding is annotated.
        expect(run.stdout).toContain('::group::Preflight: research server');
        expect(plan.findings).toEqual([]);
        expect(run.stdout).not.toMatch(/^::warning file=/m);

        await expectNoSecretLeaks(s, run, { masked: true });
      });
    },
    TIMEOUT,
  );

  it(
    'isolation on, as on GitHub: the agent runs as a user of its own, reads no token, and the summary says so',
    async () => {
      const key = `provider-key-${Date.now().toString(36)}-not-a-real-one`;
      // The agent works in a scratch copy that is gone after the run: it dumps where we can look.
      const dumpDir = await agentWritableDir();
      const dumpFile = join(dumpDir, 'agent-env.json');
      await withScenario({ agentMode: 'env-dump', inputs: { 'agent-env': 'WILD_TEST_PROVIDER_KEY' } }, async (s) => {
        s.inputs['agent-command'] += ` --dump ${dumpFile}`;
        const before = await checkoutSnapshot(s.workdir);
        const run = await s.runDist({ env: { WILD_TEST_PROVIDER_KEY: key } });

        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.outputs.status).toBe('planned');
        const stats = JSON.parse(run.outputs['agent-stats'] ?? 'null') as { agent: string; wallTimeMs: number };
        expect(stats).toMatchObject({ agent: 'command', wallTimeMs: expect.any(Number) });
        // What the agent saw: its environment, the kernel's copy of it, and what it could read
        // of other processes' (its parent is the action, whose environment holds both tokens).
        const seen = JSON.parse(await readFile(`${dumpFile}.proc.json`, 'utf8')) as {
          uid: number;
          ppid: number;
          parentEnviron: string;
          othersReadable: Array<{ pid: number; environ: string }>;
        };
        const dump = [await readFile(dumpFile, 'utf8'), await readFile(`${dumpFile}.environ`, 'latin1'), JSON.stringify(seen)].join('\n');
        // The agent got its provider key (agent-env), and the runner masks it, and git's credential, in the log.
        expect(JSON.parse(await readFile(dumpFile, 'utf8'))).toMatchObject({ WILD_TEST_PROVIDER_KEY: key });
        for (const masked of [key, basicCredential(s.githubToken)]) expect(run.stdout).toContain(`::add-mask::${masked}\n`);
        for (const secret of [s.githubToken, s.serverToken, basicCredential(s.githubToken)]) expect(dump).not.toContain(secret);
        // It worked in its own copy: the checkout is as it was.
        expect(await checkoutSnapshot(s.workdir)).toEqual(before);
        if (expectedIsolation === 'user') {
          const user = /🔒 \*\*Isolated:\*\* the agent runs as the unprivileged user (wild-agent-[0-9a-f]{8}) of this run \(uid (\d+)/.exec(
            run.summary,
          );
          expect(user, run.summary).not.toBeNull();
          // The action ran as this test's user; the agent as the run's own.
          expect(seen.uid).toBe(Number(user![2]));
          expect(seen.uid).not.toBe(process.getuid!());
          expect(seen.parentEnviron).toBe('EACCES');
          expect(seen.othersReadable).toEqual([]);
          // The run's user went with the run.
          expect(uidOf(user![1]!)).toBeNull();
        } else if (expectedIsolation === 'namespace') {
          expect(run.summary).toMatch(/🔒 \*\*Sandboxed:\*\* the agent runs as this job's user \(uid \d+; /);
          // Same user, but in a PID namespace of its own: its parent is the sandbox's init, and
          // the action is not among the processes it can see.
          expect(seen.uid).toBe(process.getuid!());
          expect(seen.ppid).toBe(1);
        } else {
          expect(run.stdout).toMatch(/^::warning::the agent runs as this job's user: /m);
          expect(run.summary).toContain("⚠️ **Not isolated:** the agent runs as this job's user");
        }
        await expectNoSecretLeaks(s, run, { masked: true });
      });
    },
    TIMEOUT,
  );

  it(
    'another label → skipped: exit 0, status=skipped, not one request to GitHub',
    async () => {
      await withScenario({ event: labeledIssueEvent('bug') }, async (s) => {
        const run = await s.runDist();

        expect(run.code).toBe(0);
        expect(run.outputs).toEqual({ status: 'skipped' });
        expect(run.stdout).toContain('Skipped: the label `bug` is not the trigger label `wild-plan`');
        expect(s.fake.requests).toEqual([]);
        expect(s.fake.writes()).toEqual([]);
        expect(await s.git.remoteHead(s.planBranch)).toBeNull();
        await expectNoSecretLeaks(s, run, { masked: false });
      });
    },
    TIMEOUT,
  );

  it(
    'preflight fails (server down) with fail-on-abort left at its default → exit 1, status=aborted, nothing published',
    async () => {
      await withScenario({}, async (s) => {
        await s.wild.setFault('*', { kind: 'down' });

        const run = await s.runDist();

        expect(run.code).toBe(1);
        expect(run.outputs.status).toBe('aborted');
        expect(run.outputs['tasks-path']).toBe('.wild/plans/issue-1/tasks.md');
        expect(run.stdout).toMatch(/^::error::Planning aborted: the research server at /m);
        expect(run.summary).toContain('## ⛔ wild-plan: aborted');
        expect(await s.git.remoteHead(s.planBranch)).toBeNull();
        expect(s.fake.pulls(s.repo)).toEqual([]);
        const status = s.marked(1, STATUS_MARKER);
        expect(status).toHaveLength(1);
        expect(status[0]!.body).toContain('### ⛔ Planning aborted');
        expect(status[0]!.body).toContain('ABORT_EARLY_DOCS_CHECK_FAILED');
        expect(s.fake.violations).toEqual([]);
        await expectNoSecretLeaks(s, run, { masked: true });
      });
    },
    TIMEOUT,
  );

  it(
    'a bad input → exit 1, status=failed, an error naming the input, nothing written',
    async () => {
      await withScenario({ inputs: { 'agent-timeout-minutes': 'soon' } }, async (s) => {
        const run = await s.runDist();

        expect(run.code).toBe(1);
        expect(run.outputs.status).toBe('failed');
        expect(run.stdout).toMatch(
          /^::error::Invalid inputs:%0A- input `agent-timeout-minutes` must be a number from [^(]+\(got "soon"\)/m,
        );
        expect(s.fake.writes()).toEqual([]);
        await expectNoSecretLeaks(s, run, { masked: true });
      });
    },
    TIMEOUT,
  );

  it(
    'a plan that breaks the contract (no repair round) → planned, each finding an annotation on its line of tasks.md',
    async () => {
      await withScenario({ agentMode: 'invalid-plan', inputs: { 'repair-rounds': '0' } }, async (s) => {
        const run = await s.runDist();

        expect(run.code).toBe(0);
        expect(run.outputs.status).toBe('planned');
        const plan = JSON.parse(run.outputs['plan-json'] ?? 'null') as { findings: Array<{ rule: string; line: number | null }> };
        const phaseCount = plan.findings.find((f) => f.rule === 'phase-count');
        expect(phaseCount?.line).toEqual(expect.any(Number));
        expect(run.stdout).toContain(`::warning file=.wild/plans/issue-1/tasks.md,line=${phaseCount!.line}::phase-count: `);
        await expectNoSecretLeaks(s, run, { masked: true });
      });
    },
    TIMEOUT,
  );

  it(
    'the agent crashes → exit 1, status=failed, and the status comment shows its error',
    async () => {
      await withScenario({ agentMode: 'crash' }, async (s) => {
        const run = await s.runDist();

        expect(run.code).toBe(1);
        expect(run.outputs.status).toBe('failed');
        expect(run.stdout).toMatch(/^::error::The agent exited with code 3/m);
        expect(await s.git.remoteHead(s.planBranch)).toBeNull();
        expect(s.fake.pulls(s.repo)).toEqual([]);
        const status = s.marked(1, STATUS_MARKER);
        expect(status).toHaveLength(1);
        expect(status[0]!.body).toContain('### ❌ wild-plan failed');
        expect(status[0]!.body).toContain('scripted-agent: simulated crash: model provider returned 500');
        expect(s.fake.violations).toEqual([]);
        await expectNoSecretLeaks(s, run, { masked: true });
      });
    },
    TIMEOUT,
  );
});
