import { afterEach, describe, expect, it } from 'vitest';
import { BOT_AUTHOR } from '../../src/git/commit.js';
import { publishPlan, type PublishOptions } from '../../src/git/publish.js';
import { GitFixture, HUMAN, writeFiles } from '../support/git-fixture.js';

const BRANCH = 'wild-plan/issue-7';

function planFiles(version: string) {
  return [
    { path: 'tasks.md', content: `# Tasks ${version}\n\n- [ ] T1.1 do it\n` },
    { path: 'prompt_skill_playbook.md', content: `# Playbook ${version}\n` },
  ];
}

function publish(fx: GitFixture, overrides: Partial<PublishOptions> = {}) {
  return publishPlan({
    workdir: fx.work,
    branch: BRANCH,
    files: planFiles('v1'),
    message: 'wild-plan: research plan for #7',
    ...overrides,
  });
}

let fx: GitFixture;
afterEach(async () => {
  await fx?.dispose();
});

describe('publishPlan', () => {
  it('creates the branch from the default branch with one commit holding exactly the plan files', async () => {
    fx = await GitFixture.create();
    // What the agent leaves behind besides the plan: an edit, a new file, a staged change.
    await writeFiles(fx.work, {
      'README.md': '# changed by the agent\n',
      'notes/scratch.txt': 'agent notes\n',
      'tasks.md': '# Tasks v1\n\n- [ ] T1.1 do it\n',
      'src/app.ts': 'export const app = 2;\n',
    });
    await fx.git(fx.work, ['add', 'src/app.ts']);
    const before = await fx.workTreeState();
    const mainHead = await fx.remoteHead('main');

    const result = await publish(fx);

    expect(result).toMatchObject({
      branch: BRANCH,
      baseBranch: 'main',
      baseSha: mainHead,
      created: true,
      changed: true,
      pushed: true,
      attempts: 1,
      humanCommits: [],
    });
    expect(await fx.remoteHead(BRANCH)).toBe(result.commitSha);
    expect(await fx.remoteLog(BRANCH, 'main')).toEqual([result.commitSha]);
    const commit = await fx.commit(result.commitSha!);
    expect(commit.parents).toEqual([mainHead]);
    expect(commit.files.sort()).toEqual(['prompt_skill_playbook.md', 'tasks.md']);
    expect(await fx.remoteFile(BRANCH, 'tasks.md')).toBe(planFiles('v1')[0]!.content);
    expect(await fx.remoteFile(BRANCH, 'README.md')).toBe('# demo\n');
    expect(await fx.workTreeState()).toEqual(before);
  });

  it('commits as github-actions[bot] by default, and as the given author otherwise', async () => {
    fx = await GitFixture.create();
    const first = await publish(fx);
    expect(await fx.commit(first.commitSha!)).toMatchObject({
      authorName: 'github-actions[bot]',
      authorEmail: '41898282+github-actions[bot]@users.noreply.github.com',
      committerEmail: BOT_AUTHOR.email,
      subject: 'wild-plan: research plan for #7',
    });

    const second = await publish(fx, { files: planFiles('v2'), author: { name: 'Plan Bot', email: 'plan-bot@example.com' } });
    expect(await fx.commit(second.commitSha!)).toMatchObject({ authorName: 'Plan Bot', authorEmail: 'plan-bot@example.com' });
  });

  it('commits a re-plan on top of the previous plan so both revisions stay in history', async () => {
    fx = await GitFixture.create();
    const first = await publish(fx);
    const second = await publish(fx, { files: planFiles('v2') });

    expect(second).toMatchObject({ created: false, changed: true, pushed: true });
    expect(await fx.remoteLog(BRANCH, 'main')).toEqual([second.commitSha, first.commitSha]);
    expect((await fx.commit(second.commitSha!)).parents).toEqual([first.commitSha]);
    expect(await fx.remoteFile(BRANCH, 'prompt_skill_playbook.md')).toBe('# Playbook v2\n');
  });

  it('makes no commit when the files on the branch are already identical', async () => {
    fx = await GitFixture.create();
    const first = await publish(fx);
    const again = await publish(fx);

    expect(again).toMatchObject({ commitSha: first.commitSha, created: false, changed: false, pushed: false, attempts: 0 });
    expect(await fx.remoteLog(BRANCH, 'main')).toEqual([first.commitSha]);
  });

  it('keeps a human commit pushed to the plan branch and builds on it', async () => {
    fx = await GitFixture.create();
    const first = await publish(fx);
    const human = await fx.pushAsHuman({ branch: BRANCH, files: { 'tasks.md': '# Tasks, edited by hand\n', 'data/extra.csv': 'a,b\n' } });

    const second = await publish(fx, { files: planFiles('v2') });

    expect(second.humanCommits).toEqual([human]);
    expect((await fx.commit(second.commitSha!)).parents).toEqual([human]);
    expect(await fx.remoteLog(BRANCH, 'main')).toEqual([second.commitSha, human, first.commitSha]);
    expect(await fx.remoteFile(BRANCH, 'data/extra.csv')).toBe('a,b\n');
    expect(await fx.remoteFile(BRANCH, 'tasks.md')).toBe(planFiles('v2')[0]!.content);
    expect((await fx.commit(human)).authorEmail).toBe(HUMAN.email);
  });

  it("starts from origin's default branch when no base is given, and from baseBranch when it is", async () => {
    fx = await GitFixture.create();
    const trunk = await fx.pushAsHuman({ branch: 'trunk', files: { 'TRUNK.md': 'trunk only\n' } });
    await fx.setDefaultBranch('trunk');

    const fromDefault = await publish(fx);
    expect(fromDefault).toMatchObject({ baseBranch: 'trunk', baseSha: trunk });
    expect((await fx.commit(fromDefault.commitSha!)).parents).toEqual([trunk]);

    const release = await fx.pushAsHuman({ branch: 'release', files: { 'RELEASE.md': 'r\n' }, from: 'main' });
    const fromGiven = await publish(fx, { branch: 'wild-plan/issue-8', baseBranch: 'release' });
    expect(fromGiven).toMatchObject({ baseBranch: 'release', baseSha: release, created: true });
    expect((await fx.commit(fromGiven.commitSha!)).parents).toEqual([release]);
    expect(await fx.remoteTree('wild-plan/issue-8')).not.toContain('TRUNK.md');
  });

  it('does everything but push in a dry run', async () => {
    fx = await GitFixture.create();
    const before = await fx.workTreeState();

    const result = await publish(fx, { dryRun: true });

    expect(result).toMatchObject({ created: true, changed: true, pushed: false, attempts: 0 });
    expect(result.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(await fx.remoteHead(BRANCH)).toBeNull();
    // The would-be commit exists locally, so it can be shown or inspected.
    expect(await fx.git(fx.work, ['show', `${result.commitSha}:tasks.md`])).toBe('# Tasks v1\n\n- [ ] T1.1 do it');
    expect(await fx.workTreeState()).toEqual(before);
  });

  it('re-plans from a shallow checkout (fetch-depth 1) without pulling in older history', async () => {
    fx = await GitFixture.create({ shallow: true });
    const initial = await fx.remoteHead('main');
    const first = await publish(fx);
    // main moves on; the next run's fresh depth-1 checkout no longer has the commit the plan
    // branch forked from.
    await fx.pushAsHuman({ branch: 'main', files: { 'src/app.ts': 'export const app = 3;\n' } });
    const nextRun = await fx.clone({ shallow: true });

    const second = await publish(fx, { workdir: nextRun, files: planFiles('v2') });

    expect((await fx.commit(second.commitSha!)).parents).toEqual([first.commitSha]);
    expect(await fx.git(nextRun, ['rev-parse', '--is-shallow-repository'])).toBe('true');
    await expect(fx.git(nextRun, ['cat-file', '-e', `${initial}^{commit}`])).rejects.toThrow();
  });
});
