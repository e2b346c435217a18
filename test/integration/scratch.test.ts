// The agent's scratch copy: the base commit and nothing else of the checkout (no .git, no
// uncommitted edits, no untracked files), and a listing of what the agent changed in it.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScratch, describeChanges, type Scratch } from '../../src/sandbox/scratch.js';

let checkout: string;
const made: Scratch[] = [];

function git(...args: string[]): string {
  const result = spawnSync('git', ['-C', checkout, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

async function scratchOf(dir: string): Promise<Scratch> {
  const scratch = await createScratch(dir);
  made.push(scratch);
  return scratch;
}

beforeEach(async () => {
  checkout = await mkdtemp(path.join(tmpdir(), 'wild-scratch-test-'));
  git('init', '-q');
  mkdirSync(path.join(checkout, 'src'));
  writeFileSync(path.join(checkout, 'README.md'), '# repo\n');
  writeFileSync(path.join(checkout, 'src/train.py'), 'print(1)\n');
  symlinkSync('src/train.py', path.join(checkout, 'entry.py'));
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
});

afterEach(async () => {
  for (const scratch of made.splice(0)) await scratch.dispose();
  await rm(checkout, { recursive: true, force: true });
});

describe('the scratch copy', () => {
  it('holds the base commit and nothing else of the checkout: no .git, no uncommitted edit, no untracked file', async () => {
    writeFileSync(path.join(checkout, 'README.md'), '# edited, not committed\n');
    writeFileSync(path.join(checkout, 'untracked.txt'), 'local only');
    git('config', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic c2VjcmV0');

    const scratch = await scratchOf(checkout);

    expect(scratch.source).toMatch(/^commit [0-9a-f]{12}$/);
    expect(readFileSync(path.join(scratch.work, 'README.md'), 'utf8')).toBe('# repo\n');
    expect(readFileSync(path.join(scratch.work, 'src/train.py'), 'utf8')).toBe('print(1)\n');
    expect(readlinkSync(path.join(scratch.work, 'entry.py'))).toBe('src/train.py');
    expect(existsSync(path.join(scratch.work, 'untracked.txt'))).toBe(false);
    expect(existsSync(path.join(scratch.work, '.git'))).toBe(false);
    // Nothing of ours beside the copy either (the index we filled it through is gone).
    expect(spawnSync('ls', ['-A', scratch.root], { encoding: 'utf8' }).stdout).toBe('work\n');
    expect(lstatSync(scratch.root).mode & 0o777).toBe(0o700);
  });

  it('copies the files of a folder that is no git checkout, without any .git', async () => {
    const plain = await mkdtemp(path.join(tmpdir(), 'wild-scratch-plain-'));
    try {
      writeFileSync(path.join(plain, 'notes.md'), 'n');
      mkdirSync(path.join(plain, '.git'));
      writeFileSync(path.join(plain, '.git/config'), 'secret');
      const scratch = await scratchOf(plain);
      expect(scratch.source).toBe("the workspace's files");
      expect(readFileSync(path.join(scratch.work, 'notes.md'), 'utf8')).toBe('n');
      expect(existsSync(path.join(scratch.work, '.git'))).toBe(false);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });

  it('lists what changed since it was recorded, plan files aside, and says it in one line', async () => {
    const scratch = await scratchOf(checkout);
    await scratch.record();
    mkdirSync(path.join(scratch.work, '.github/workflows'), { recursive: true });
    writeFileSync(path.join(scratch.work, '.github/workflows/x.yml'), 'on: push\n');
    writeFileSync(path.join(scratch.work, 'README.md'), '# changed, same length? no\n');
    rmSync(path.join(scratch.work, 'src/train.py'));
    mkdirSync(path.join(scratch.work, 'plans'));
    writeFileSync(path.join(scratch.work, 'plans/tasks.md'), '# plan\n');
    writeFileSync(path.join(scratch.work, 'odd\nname'), 'x');

    const changes = await scratch.changes(['plans/tasks.md']);

    expect(changes).toEqual({
      added: ['.github/workflows/x.yml', 'odd\nname'],
      modified: ['README.md'],
      deleted: ['src/train.py'],
      truncated: false,
    });
    expect(describeChanges(changes)).toBe(
      '2 added (".github/workflows/x.yml", "odd\\nname"); 1 modified ("README.md"); 1 deleted ("src/train.py")',
    );
    expect(describeChanges({ added: [], modified: [], deleted: [], truncated: false })).toBeNull();
  });

  it('tells a link swapped in for a file as a change, and never follows it', async () => {
    const scratch = await scratchOf(checkout);
    await scratch.record();
    rmSync(path.join(scratch.work, 'README.md'));
    symlinkSync('/etc/passwd', path.join(scratch.work, 'README.md'));
    const changes = await scratch.changes([]);
    expect(changes.modified).toEqual(['README.md']);
  });
});
