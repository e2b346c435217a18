// What publishPlan refuses before anything reaches origin, and how origin's own refusals surface.

import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../src/git/errors.js';
import { publishPlan, type PublishOptions } from '../../src/git/publish.js';
import { GitFixture } from '../support/git-fixture.js';

const BRANCH = 'wild-plan/issue-9';

let fx: GitFixture;
afterEach(async () => {
  await fx?.dispose();
});

function publish(overrides: Partial<PublishOptions> = {}) {
  return publishPlan({
    workdir: fx.work,
    branch: BRANCH,
    files: [{ path: 'tasks.md', content: '# Tasks\n' }],
    message: 'wild-plan: plan for #9',
    ...overrides,
  });
}

async function refusal(overrides: Partial<PublishOptions>): Promise<PublishError> {
  const error = await publish(overrides).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PublishError);
  return error as PublishError;
}

describe('publishPlan input checks', () => {
  it.each([
    ['../outside.md', "'..'"],
    ['docs/../../outside.md', "'..'"],
    ['/etc/passwd', 'absolute'],
    ['C:/Users/x/tasks.md', 'absolute'],
    ['docs\\tasks.md', "'/'"],
    ['.git/config', '.git'],
    ['sub/.GIT/hooks/pre-push', '.git'],
    ['./tasks.md', "'.'"],
    ['docs//tasks.md', 'empty segment'],
    ['tasks.md/', 'empty segment'],
    ['', 'empty'],
    ['tasks\n.md', 'control character'],
  ])('refuses the plan path %j and pushes nothing', async (path, why) => {
    fx = await GitFixture.create();

    const error = await refusal({ files: [{ path, content: 'x' }] });

    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain(why);
    expect(await fx.remoteHead(BRANCH)).toBeNull();
  });

  it('refuses the same path twice, an empty file list and an empty message', async () => {
    fx = await GitFixture.create();
    const twice = [
      { path: 'tasks.md', content: 'a' },
      { path: 'tasks.md', content: 'b' },
    ];

    expect((await refusal({ files: twice })).message).toContain('listed twice');
    expect((await refusal({ files: [] })).message).toContain('No plan files');
    expect((await refusal({ message: '  ' })).message).toContain('message is empty');
  });

  it.each(['wild plan/1', '-x', 'refs/heads/x', 'a..b', 'plan.lock', 'x/', '.hidden/x', 'a@{1}'])(
    'refuses the branch name %j',
    async (branch) => {
      fx = await GitFixture.create();
      expect((await refusal({ branch })).code).toBe('invalid-input');
    },
  );

  it('accepts nested paths and creates the folders in the commit', async () => {
    fx = await GitFixture.create();

    const result = await publish({ files: [{ path: 'plans/issue-9/tasks.md', content: '# T\n' }] });

    expect(await fx.remoteFile(result.commitSha!, 'plans/issue-9/tasks.md')).toBe('# T\n');
  });

  it("reports origin's refusal (a protected branch) without retrying", async () => {
    fx = await GitFixture.create();
    const hook = join(fx.origin, 'hooks', 'pre-receive');
    await writeFile(hook, "#!/bin/sh\necho 'GH006: Protected branch update failed' >&2\nexit 1\n");
    await chmod(hook, 0o755);

    const error = await refusal({});

    expect(error.code).toBe('push-rejected');
    expect(error.message).toContain('GH006: Protected branch update failed');
    expect(await fx.remoteHead(BRANCH)).toBeNull();
  });
});
