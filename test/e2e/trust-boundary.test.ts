// The trust boundary, tried as an attacker would, through the BUILT action (dist/index.js as a
// process with the runner's environment): an agent that obeys a prompt injection attacks the
// files wild-plan reads back, the checkout, and the action's own process; hostile inputs point
// the plan somewhere dangerous. CI runs this file as root, as a user with passwordless sudo (a
// GitHub-hosted runner) and as a plain user (a typical self-hosted runner): see
// scripts/ci-as-users.sh. Every case checks what a user cares about: nothing outside the agent's
// area is read or written, no credential or canary of the action's environment appears
// anywhere, the job's checkout is byte-identical, and the outcome says what was refused.
import { existsSync, readdirSync, readFileSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionScenario, DIST_ENTRY, STATUS_MARKER, type DistRun, type ScenarioOptions } from '../support/action-harness.js';
import { agentWritableDir, checkoutSnapshot, expectedIsolation } from '../support/isolation-machine.js';
import { runnerCommands } from '../support/workflow-commands.js';

const TIMEOUT = 120_000;
const HOSTILE = fileURLToPath(new URL('../support/hostile-agent.mjs', import.meta.url));
const isolated = expectedIsolation !== 'none';

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) throw new Error(`${DIST_ENTRY} is missing; dist/ is committed — run npm run build`);
});

interface Attack {
  scenario: ActionScenario;
  run: DistRun;
  /** The agent's own account of what it did and saw. */
  reports: Array<{ did: string[]; saw: unknown[] }>;
  /** A file only the job may read, and its content. */
  secretFile: string;
  secret: string;
  /** Values in the action's environment: credential-named ones, and a canary no redaction knows. */
  planted: string[];
}

/**
 * One run of the built action with the hostile agent's `attack`, the action's environment holding
 * runner credentials and a canary, and a secret file beside it. Checks the invariants every
 * attack must keep, then hands the run back for the attack's own assertions.
 */
async function underAttack(
  attack: string,
  options: { target?: 'secret' | 'checkout'; scenario?: ScenarioOptions; prepare?: (s: ActionScenario) => Promise<void> | void } = {},
  check: (a: Attack) => Promise<void> | void,
): Promise<void> {
  const s = await ActionScenario.create(options.scenario ?? {});
  try {
    const secretDir = await mkdtemp(join(tmpdir(), 'wild-secret-'));
    const tag = `${process.pid}${Date.now().toString(36)}`;
    const secret = `SECRET_FILE_CONTENT_${tag}`;
    const secretFile = join(secretDir, 'job-only.txt');
    writeFileSync(secretFile, secret, { mode: 0o600 });
    const reportDir = await agentWritableDir();
    const target = options.target === 'checkout' ? s.workdir : secretFile;
    s.inputs['agent-command'] = `node ${HOSTILE} --attack ${attack} --target ${target} --report ${reportDir}`;
    await options.prepare?.(s);
    const env = {
      ACTIONS_RUNTIME_TOKEN: `runtime-token-${tag}-aaaaaaaa`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: `oidc-token-${tag}-bbbbbbbb`,
      MY_STEP_SECRET: `step-secret-${tag}-cccccccc`,
      // Named like nothing secret, so no redaction hides it: only the sandbox keeps it in.
      WILD_TEST_CANARY: `canary-${tag}-dddddddd`,
    };
    const before = await checkoutSnapshot(s.workdir);

    const run = await s.runDist({ env });

    const reports = readdirSync(reportDir)
      .filter((f) => f.startsWith('report-'))
      .map((f) => JSON.parse(readFileSync(join(reportDir, f), 'utf8')) as { did: string[]; saw: unknown[] });
    expect(reports.length, `the hostile agent ran (${run.stdout.slice(-2000)})`).toBeGreaterThan(0);
    // The job's checkout is exactly as it was: the agent worked in its own copy.
    expect(await checkoutSnapshot(s.workdir)).toEqual(before);
    // Nothing outside the agent's area was written.
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    // Nothing of the action's environment or the secret file reached anything that leaves the run.
    const planted = [...Object.values(env), s.githubToken, s.serverToken, secret];
    const places = {
      log:
        run.stdout
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n') + run.stderr,
      outputs: JSON.stringify(run.outputs),
      summary: run.summary,
      github: JSON.stringify(s.fake.requests.map((r) => r.body ?? null)),
      origin: await s.originDump(),
    };
    for (const value of planted)
      for (const [where, text] of Object.entries(places)) expect(text, `${where} holds ${value}`).not.toContain(value);
    // Untrusted text in the log never runs as a workflow command.
    expect(runnerCommands(places.log).commands.filter((c) => c.name === 'error' && /pwned/.test(c.data))).toEqual([]);
    // One status comment, never left saying "planning".
    const status = s.marked(1, STATUS_MARKER);
    expect(status).toHaveLength(1);
    expect(status[0]!.body).not.toContain('🔄');
    await check({ scenario: s, run, reports, secretFile, secret, planted });
  } finally {
    await s.dispose();
  }
}

/** The end of the run's log, to show beside a failed assertion. */
function tail(run: DistRun): string {
  return `${run.stdout.slice(-3000)}\n${run.stderr.slice(-1000)}`;
}

/** The run ended without a plan and says which file was refused and why. */
function expectRefusedNoPlan(run: DistRun, reason: RegExp): void {
  expect(run.code, tail(run)).toBe(1);
  expect(run.outputs.status, tail(run)).toBe('invalid');
  expect(run.stdout).toMatch(reason);
  expect(run.outputs['plan-json']).toBeUndefined();
}

describe.concurrent(`the agent's leftovers are hostile data (agent isolation here: ${expectedIsolation})`, () => {
  it(
    "tasks.md as a link to /proc/self/environ: refused, never read; no plan, and the action's environment stays in",
    () =>
      underAttack('link-self-environ', {}, ({ scenario, run }) => {
        expectRefusedNoPlan(run, /`\.wild\/plans\/issue-1\/tasks\.md` is a symbolic link: ignored/);
        expect(run.summary).toContain('is a symbolic link: ignored');
        expect(scenario.planPulls()).toEqual([]);
      }),
    TIMEOUT,
  );

  it(
    'tasks.md as a link to a file only the job may read: refused; the file is not read, committed or posted',
    () =>
      underAttack('link-target', {}, ({ run }) => {
        expectRefusedNoPlan(run, /tasks\.md` is a symbolic link: ignored/);
      }),
    TIMEOUT,
  );

  it(
    "the tasks directory as a link to the secret's directory: refused at the directory",
    () =>
      underAttack('link-dir', {}, ({ run }) => {
        expectRefusedNoPlan(run, /`\.wild\/plans\/issue-1` is a symbolic link: ignored/);
      }),
    TIMEOUT,
  );

  it(
    "the playbook as a link to the secret: refused; the plan is published with the server's playbook and a finding",
    () =>
      underAttack('link-playbook', {}, async ({ scenario, run, secret }) => {
        expect(run.code, tail(run)).toBe(0);
        expect(run.outputs.status, tail(run)).toBe('planned');
        const plan = JSON.parse(run.outputs['plan-json']!) as { findings: Array<{ rule: string; message: string }> };
        expect(plan.findings).toContainEqual(
          expect.objectContaining({
            rule: 'agent-file-refused',
            message: expect.stringContaining('prompt_skill_playbook.md` is a symbolic link'),
          }),
        );
        const playbook = await scenario.git.git(scenario.git.origin, [
          'show',
          `${scenario.planBranch}:.wild/plans/issue-1/prompt_skill_playbook.md`,
        ]);
        expect(playbook).not.toContain(secret);
        expect(playbook).toContain('Prompt Skill Playbook');
      }),
    TIMEOUT,
  );

  it(
    "tasks.md as a hard link: refused (a second name may be another file's content)",
    () =>
      underAttack('hard-link', {}, ({ run, reports }) => {
        expectRefusedNoPlan(run, /tasks\.md` has 2 hard links/);
        if (expectedIsolation === 'user') {
          // A user of its own may not even link the job's file (its directory, or the kernel's protected_hardlinks).
          expect(reports[0]!.did[0]).toMatch(/^hard link tasks\.md -> .*: E(PERM|ACCES)$/);
        }
      }),
    TIMEOUT,
  );

  it(
    'tasks.md as a FIFO nobody writes to: refused at once, the run does not hang',
    () =>
      underAttack('fifo', {}, ({ run }) => {
        expectRefusedNoPlan(run, /tasks\.md` is a FIFO \(named pipe\): ignored/);
      }),
    TIMEOUT,
  );

  it(
    'tasks.md as a directory: refused',
    () =>
      underAttack('directory', {}, ({ run }) => {
        expectRefusedNoPlan(run, /tasks\.md` is a directory: ignored/);
      }),
    TIMEOUT,
  );

  it(
    'tasks.md as a 2 GB sparse file: refused by its size, never read',
    () =>
      underAttack('sparse', {}, ({ run }) => {
        expectRefusedNoPlan(run, /tasks\.md` is 2\.0 GiB, over the 8\.0 MiB limit: ignored/);
      }),
    TIMEOUT,
  );

  it(
    'edits to its copy (a workflow, a .gitattributes filter, README, a deleted source, a file named like a workflow command): none reaches the checkout or the branch; the log and summary list them',
    () =>
      underAttack('edit-copy', {}, async ({ scenario, run }) => {
        expect(run.code, tail(run)).toBe(0);
        expect(run.outputs.status, tail(run)).toBe('planned');
        const commits = await scenario.git.remoteLog(scenario.planBranch, scenario.defaultBranch);
        const commit = await scenario.git.commit(commits[0]!);
        expect(commit.files.sort()).toEqual(['.wild/plans/issue-1/prompt_skill_playbook.md', '.wild/plans/issue-1/tasks.md']);
        expect(run.stdout).toMatch(
          /^::warning::The agent also changed its copy of the repository \(not committed, not in the checkout\): 3 added \(/m,
        );
        expect(run.summary).toMatch(
          /The agent also changed its copy of the repository\*\* \(discarded: not committed, not in the checkout\): 3 added \("\.gitattributes", "\.github\/workflows\/x\.yml", "evil\\n::error::pwned by a file name"\); 1 modified \("README\.md"\); 1 deleted \("train\.py"\)/,
        );
      }),
    TIMEOUT,
  );

  it.skipIf(!isolated)(
    "writes into the job's checkout by its absolute path: they fail, the checkout is untouched",
    () =>
      underAttack('write-checkout', { target: 'checkout' }, ({ run, reports }) => {
        expect(run.outputs.status, tail(run)).toBe('planned');
        expect(reports[0]!.did.filter((d) => d.startsWith('write '))).toEqual([
          expect.stringMatching(/: E[A-Z]+$/),
          expect.stringMatching(/: E[A-Z]+$/),
        ]);
      }),
    TIMEOUT,
  );

  it.skipIf(!isolated)(
    "pries into /proc/*/environ: sees none of the action's environment, so none reaches its plan",
    () =>
      underAttack('pry', {}, ({ run, reports }) => {
        expect(run.outputs.status, tail(run)).toBe('planned');
        expect(reports[0]!.saw).toEqual([]);
        expect(run.outputs['plan-json']).toContain('Loot: none');
      }),
    TIMEOUT,
  );

  it(
    'leaves a process that swaps tasks.md between a plan and a link to /proc/self/environ: it is stopped before anything is read',
    () =>
      underAttack('swap', {}, ({ run, reports }) => {
        expect(['planned', 'invalid'], tail(run)).toContain(run.outputs.status);
        const swapper = Number(/swapper pid (\d+)/.exec(reports[0]!.did.join('\n'))?.[1]);
        expect(swapper).toBeGreaterThan(0);
        // No process still runs the swap loop (in a namespace its pid is not ours: look for its code).
        const running = readdirSync('/proc')
          .filter((e) => /^\d+$/.test(e))
          .filter((pid) => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(".swap'");
            } catch {
              return false;
            }
          });
        expect(running).toEqual([]);
      }),
    TIMEOUT,
  );
});

describe.concurrent('plan files in the checkout (write-plan-files: true) are never written through a link', () => {
  it(
    "a link planted at the playbook's place in the checkout is replaced; the file it pointed to is untouched",
    async () => {
      const s = await ActionScenario.create({ agentMode: 'ok', inputs: { 'write-plan-files': 'true' } });
      try {
        const victim = join(await mkdtemp(join(tmpdir(), 'wild-victim-')), 'victim.txt');
        writeFileSync(victim, 'untouched');
        mkdirSync(join(s.workdir, '.wild/plans/issue-1'), { recursive: true });
        symlinkSync(victim, join(s.workdir, '.wild/plans/issue-1/prompt_skill_playbook.md'));

        const run = await s.runDist();

        expect(run.code, tail(run)).toBe(0);
        expect(run.outputs.status, tail(run)).toBe('planned');
        expect(readFileSync(victim, 'utf8')).toBe('untouched');
        expect(await readFile(join(s.workdir, '.wild/plans/issue-1/prompt_skill_playbook.md'), 'utf8')).toContain('Prompt Skill Playbook');
        expect(await readFile(join(s.workdir, '.wild/plans/issue-1/tasks.md'), 'utf8')).toContain('## Phase 1');
      } finally {
        await s.dispose();
      }
    },
    TIMEOUT,
  );

  it(
    'a linked directory on the way: refused before the agent runs, with the reason, nothing published',
    async () => {
      const s = await ActionScenario.create({ agentMode: 'ok', inputs: { 'write-plan-files': 'true' } });
      try {
        const elsewhere = await mkdtemp(join(tmpdir(), 'wild-elsewhere-'));
        symlinkSync(elsewhere, join(s.workdir, '.wild'));

        const run = await s.runDist();

        expect(run.code, tail(run)).toBe(1);
        expect(run.outputs.status, tail(run)).toBe('failed');
        expect(run.stdout).toMatch(/^::error::cannot write `\.wild\/plans\/issue-1\/tasks\.md`: `\.wild` is a symbolic link/m);
        expect(readdirSync(elsewhere)).toEqual([]);
        expect(s.wild.requests).toEqual([]); // refused before the preflight: nothing ran
        expect(await s.git.remoteHead(s.planBranch)).toBeNull();
        expect(s.marked(1, STATUS_MARKER)[0]!.body).toContain('`.wild` is a symbolic link');
      } finally {
        await s.dispose();
      }
    },
    TIMEOUT,
  );
});

describe.concurrent('inputs that point somewhere dangerous are refused before anything runs', () => {
  const refused = async (options: ScenarioOptions, message: RegExp) => {
    const s = await ActionScenario.create(options);
    try {
      const before = await checkoutSnapshot(s.workdir);
      const run = await s.runDist();
      expect(run.code, tail(run)).toBe(1);
      expect(run.outputs.status, tail(run)).toBe('failed');
      expect(run.stdout).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user's mistake
      expect(s.wild.requests).toEqual([]);
      expect(await s.git.remoteHead(s.planBranch)).toBeNull();
      expect(await checkoutSnapshot(s.workdir)).toEqual(before);
      return s;
    } finally {
      await s.dispose();
    }
  };

  it(
    'tasks-path in .github/workflows',
    () => refused({ inputs: { 'tasks-path': '.github/workflows/plan-{number}.yml' } }, /^::error::.*tasks-path/m),
    TIMEOUT,
  );

  it(
    'tasks-path onto a tracked file that is no plan (README.md)',
    () => refused({ inputs: { 'tasks-path': 'README.md' } }, /^::error::.*tasks-path.*README\.md/m),
    TIMEOUT,
  );
});
