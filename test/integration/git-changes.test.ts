import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listOtherChanges } from '../../src/git/changes.js';
import { GitFixture, writeFiles } from '../support/git-fixture.js';

const PLAN = ['tasks.md', 'prompt_skill_playbook.md'];

let fx: GitFixture;
afterEach(async () => {
  await fx?.dispose();
});

describe('listOtherChanges', () => {
  it('lists what the agent changed besides the plan files, and touches nothing', async () => {
    fx = await GitFixture.create({
      files: { 'README.md': '# r\n', 'src/app.ts': '1\n', 'src/old name.ts': 'x\n', '.gitignore': 'build/\n' },
    });
    await writeFiles(fx.work, {
      'tasks.md': '# plan\n',
      'prompt_skill_playbook.md': '# playbook\n',
      'README.md': '# edited\n',
      'notes/deep/new file.txt': 'n\n',
      'build/output.js': 'ignored\n',
      'src/app.ts': '2\n',
    });
    await fx.git(fx.work, ['add', 'src/app.ts']);
    await fx.git(fx.work, ['mv', 'src/old name.ts', 'src/new-name.ts']);
    await rm(join(fx.work, 'README.md'));
    const before = await fx.workTreeState();

    const others = await listOtherChanges(fx.work, PLAN);

    expect(others).toEqual(['README.md', 'notes/deep/new file.txt', 'src/app.ts', 'src/new-name.ts', 'src/old name.ts']);
    expect(await fx.workTreeState()).toEqual(before);
  });

  it('is empty when only the plan files changed', async () => {
    fx = await GitFixture.create();
    await writeFiles(fx.work, { 'tasks.md': '# plan\n', 'prompt_skill_playbook.md': '# p\n' });

    expect(await listOtherChanges(fx.work, PLAN)).toEqual([]);
  });
});
