// The plan paths are checked against what the checkout's HEAD tracks, with real git: a plan
// never replaces a file of the repository nor goes through a tracked link or submodule, and a
// previous plan of ours at the same path is fine (a re-plan overwrites it).
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPlanPathsAtBase, UnsafePlanPathError } from '../../src/git/plan-paths.js';
import { renderAbortChecklist } from '../../src/plan/abort.js';
import { buildPlaybook } from '../../src/plan/playbook.js';
import { GitFixture, writeFiles } from '../support/git-fixture.js';

const PLAN = readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8');
const AGENT_ABORT = readFileSync(new URL('../fixtures/plans/abort.md', import.meta.url), 'utf8');
const PLAYBOOK = buildPlaybook({
  skills: [],
  protocolSkill: null,
  protocolSkillId: 'wild_v2_sweep_run_audit_protocol',
  section: 'Sweep/Run Audit Protocol',
  serverUrl: 'https://wild.example.org',
});
const DIR = '.wild/plans/issue-7';
const PATHS = { tasksPath: `${DIR}/tasks.md`, playbookPath: `${DIR}/prompt_skill_playbook.md` };

const live: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((dispose) => dispose()));
});

/**
 * A checkout whose HEAD commit tracks `files` (besides a README), what `extra` makes in the work
 * tree (symlinks), and a submodule entry (gitlink) at each of `gitlinks`.
 */
async function checkoutWith(
  files: Record<string, string> = {},
  extra?: (work: string) => Promise<void>,
  gitlinks: string[] = [],
): Promise<GitFixture> {
  const git = await GitFixture.create();
  live.push(() => git.dispose());
  await writeFiles(git.work, files);
  await extra?.(git.work);
  await git.git(git.work, ['add', '--all']);
  const head = await git.git(git.work, ['rev-parse', 'HEAD']);
  for (const path of gitlinks) await git.git(git.work, ['update-index', '--add', '--cacheinfo', `160000,${head},${path}`]);
  await git.git(git.work, ['commit', '--quiet', '--allow-empty', '-m', 'Repository content']);
  return git;
}

async function refusal(workdir: string, paths = PATHS): Promise<string> {
  const error = await checkPlanPathsAtBase(workdir, paths).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafePlanPathError);
  const message = (error as Error).message;
  expect(message).toContain('input `tasks-path`');
  expect(message).toContain('Set the `tasks-path` input to a path nothing in the repository uses');
  return message;
}

describe('checkPlanPathsAtBase: the plan path itself', () => {
  it('refuses tasks-path: README.md, a tracked file that is not a plan', async () => {
    const git = await checkoutWith();
    const message = await refusal(git.work, { tasksPath: 'README.md', playbookPath: 'prompt_skill_playbook.md' });
    expect(message).toContain(
      '"README.md" is a file of the repository, and not a plan or abort checklist wild-plan wrote; writing the plan there would replace it',
    );
  });

  it('refuses it in another case too (macOS and Windows checkouts fold case)', async () => {
    const git = await checkoutWith();
    expect(await refusal(git.work, { tasksPath: 'readme.md', playbookPath: 'prompt_skill_playbook.md' })).toContain(
      '"readme.md" (tracked as "README.md") is a file of the repository',
    );
  });

  it('refuses a tracked file that only mentions the abort sentinel', async () => {
    const git = await checkoutWith({
      [PATHS.tasksPath]: '# Notes\n\nIf preflight fails the agent writes ABORT_EARLY_DOCS_CHECK_FAILED.\n',
    });
    expect(await refusal(git.work)).toContain('is a file of the repository, and not a plan');
  });

  it('accepts a previous plan at the path (a re-plan overwrites it)', async () => {
    const git = await checkoutWith({ [PATHS.tasksPath]: PLAN, [PATHS.playbookPath]: PLAYBOOK });
    await expect(checkPlanPathsAtBase(git.work, PATHS)).resolves.toBeUndefined();
  });

  it("accepts an abort checklist: wild-plan's own and one an agent wrote", async () => {
    const ours = await checkoutWith({ [PATHS.tasksPath]: renderAbortChecklist(['/docs answered 503']) });
    await expect(checkPlanPathsAtBase(ours.work, PATHS)).resolves.toBeUndefined();
    const agents = await checkoutWith({ [PATHS.tasksPath]: AGENT_ABORT });
    await expect(checkPlanPathsAtBase(agents.work, PATHS)).resolves.toBeUndefined();
  });

  it('accepts an untracked path, even with an untracked file already in the work tree', async () => {
    const git = await checkoutWith();
    await writeFiles(git.work, { [PATHS.tasksPath]: 'whatever the work tree holds is not the base\n' });
    await expect(checkPlanPathsAtBase(git.work, PATHS)).resolves.toBeUndefined();
  });

  it('refuses a tracked symlink at the path, even one to a previous plan', async () => {
    const git = await checkoutWith({ 'old/tasks.md': PLAN }, async (work) => {
      await mkdir(join(work, DIR), { recursive: true });
      await symlink('../../../old/tasks.md', join(work, PATHS.tasksPath));
    });
    expect(await refusal(git.work)).toContain(`"${PATHS.tasksPath}" is a symbolic link in the repository; wild-plan never writes over it`);
  });

  it('refuses a tracked submodule and a tracked folder at the path', async () => {
    const sub = await checkoutWith({}, undefined, [PATHS.tasksPath]);
    expect(await refusal(sub.work)).toContain('is a submodule in the repository');
    const folder = await checkoutWith({ [`${PATHS.tasksPath}/inner.md`]: 'x\n' });
    expect(await refusal(folder.work)).toContain('is a folder in the repository');
  });

  it('refuses a tracked playbook path that is not a playbook, naming it', async () => {
    const git = await checkoutWith({ [PATHS.playbookPath]: '# Our own playbook\n\nHand-written, keep.\n' });
    expect(await refusal(git.work)).toContain(
      `the playbook beside it, "${PATHS.playbookPath}", is a file of the repository, and not a playbook wild-plan wrote`,
    );
  });

  it('accepts a previous playbook, generated or written by the agent', async () => {
    const generated = await checkoutWith({ [PATHS.playbookPath]: PLAYBOOK });
    await expect(checkPlanPathsAtBase(generated.work, PATHS)).resolves.toBeUndefined();
    const agents = await checkoutWith({
      [PATHS.playbookPath]: '# Playbook\n\n## Skills\n\n- a -> b -> c\n\n## Sweep/Run Audit Protocol\n\n1. POST /sweeps/wild\n',
    });
    await expect(checkPlanPathsAtBase(agents.work, PATHS)).resolves.toBeUndefined();
  });
});

describe('checkPlanPathsAtBase: the folders on the way', () => {
  it('refuses a parent tracked as a symlink (.wild → /etc)', async () => {
    const git = await checkoutWith({}, async (work) => {
      await symlink('/etc', join(work, '.wild'));
    });
    expect(await refusal(git.work)).toContain(
      `"${PATHS.tasksPath}" goes through ".wild", which the repository tracks as a symbolic link; wild-plan never writes through it`,
    );
  });

  it('refuses a parent tracked as a file or a submodule', async () => {
    const file = await checkoutWith({ '.wild/plans': 'a file, not a folder\n' });
    expect(await refusal(file.work)).toContain('goes through ".wild/plans", which the repository tracks as a file');
    const sub = await checkoutWith({}, undefined, ['.wild/plans']);
    expect(await refusal(sub.work)).toContain('goes through ".wild/plans", which the repository tracks as a submodule');
  });

  it('accepts tracked parent folders holding other files', async () => {
    const git = await checkoutWith({ '.wild/plans/issue-3/tasks.md': PLAN, '.wild/README.md': '# our notes\n' });
    await expect(checkPlanPathsAtBase(git.work, PATHS)).resolves.toBeUndefined();
  });
});

describe('checkPlanPathsAtBase: nothing to check', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('returns for a repository without a HEAD commit (a fresh git init)', async () => {
    const git = await GitFixture.create();
    live.push(() => git.dispose());
    const fresh = join(git.root, 'fresh');
    await git.git(git.root, ['init', '--quiet', fresh]);
    await writeFile(join(fresh, 'README.md'), '# not committed\n');
    await expect(
      checkPlanPathsAtBase(fresh, { tasksPath: 'README.md', playbookPath: 'prompt_skill_playbook.md' }),
    ).resolves.toBeUndefined();
  });

  it('returns for a folder that is not a git repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wild-plan-no-git-'));
    dirs.push(dir);
    await expect(checkPlanPathsAtBase(dir, PATHS)).resolves.toBeUndefined();
  });
});
