// Someone else pushes to the plan branch while we publish. We must rebuild on their commit and
// never force over it.

import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../src/git/errors.js';
import { publishPlan, type PublishOptions } from '../../src/git/publish.js';
import { GitFixture, RACER } from '../support/git-fixture.js';

const BRANCH = 'wild-plan/issue-3';
const files = (version: string) => [
  { path: 'tasks.md', content: `# Tasks ${version}\n` },
  { path: 'prompt_skill_playbook.md', content: `# Playbook ${version}\n` },
];

function publish(fx: GitFixture, overrides: Partial<PublishOptions> = {}) {
  return publishPlan({ workdir: fx.work, branch: BRANCH, files: files('v1'), message: 'wild-plan: plan for #3', ...overrides });
}

let fx: GitFixture;
afterEach(async () => {
  await fx?.dispose();
});

describe('publishPlan when the plan branch moves during the push', () => {
  it('rebuilds on the commit that won the race and pushes on the second attempt', async () => {
    fx = await GitFixture.create();
    const first = await publish(fx);
    await fx.armPushRace({ branch: BRANCH });
    const lines: string[] = [];

    const second = await publish(fx, { files: files('v2'), log: (line) => lines.push(line) });

    expect(await fx.racesRun()).toBe(1);
    const [ours, racer, ...older] = await fx.remoteLog(BRANCH, 'main');
    expect(ours).toBe(second.commitSha);
    expect(older).toEqual([first.commitSha]);
    expect(await fx.commit(racer!)).toMatchObject({ authorEmail: RACER.email, parents: [first.commitSha] });
    expect((await fx.commit(ours!)).parents).toEqual([racer]);
    expect(await fx.remoteFile(BRANCH, 'RACE_1.md')).toBe('race 1\n');
    expect(await fx.remoteFile(BRANCH, 'tasks.md')).toBe('# Tasks v2\n');
    expect(second).toMatchObject({ pushed: true, changed: true, attempts: 2, humanCommits: [racer] });
    expect(lines.some((line) => line.includes('moved'))).toBe(true);
  });

  it('never forces over a commit pushed between our fetch and our push', async () => {
    fx = await GitFixture.create();
    await publish(fx);
    // A human edit gives our next fetch something to download; the racer strikes right after.
    const human = await fx.pushAsHuman({ branch: BRANCH, files: { 'tasks.md': '# Tasks, by hand\n' } });
    await fx.armFetchRace({ branch: BRANCH });

    const result = await publish(fx, { files: files('v2') });

    expect(await fx.racesRun()).toBe(1);
    const [ours, racer, next] = await fx.remoteLog(BRANCH, 'main');
    expect(ours).toBe(result.commitSha);
    expect(await fx.commit(racer!)).toMatchObject({ authorEmail: RACER.email, parents: [human] });
    expect(next).toBe(human);
    expect(result).toMatchObject({ pushed: true, attempts: 2, humanCommits: [racer, human] });
  });

  it('retries when someone else creates the branch first', async () => {
    fx = await GitFixture.create();
    await fx.armPushRace({ branch: BRANCH });

    const result = await publish(fx);

    const [ours, racer] = await fx.remoteLog(BRANCH, 'main');
    expect(ours).toBe(result.commitSha);
    expect((await fx.commit(ours!)).parents).toEqual([racer]);
    expect(result).toMatchObject({ created: false, pushed: true, attempts: 2 });
  });

  it('gives up after maxAttempts with a clear error, leaving every racing commit in place', async () => {
    fx = await GitFixture.create();
    await publish(fx);
    await fx.armPushRace({ branch: BRANCH, times: 10 });

    const failure = await publish(fx, { files: files('v2'), maxAttempts: 2 }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ code: 'branch-moved', message: expect.stringContaining('re-run wild-plan') });
    expect(await fx.racesRun()).toBe(2);
    const head = await fx.remoteHead(BRANCH);
    expect(await fx.commit(head!)).toMatchObject({ authorEmail: RACER.email, subject: 'Racing edit 2' });
    expect(await fx.remoteFile(BRANCH, 'tasks.md')).toBe('# Tasks v1\n');
  });
});
