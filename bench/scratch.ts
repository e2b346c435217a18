// The agent's scratch copy (src/sandbox/scratch.ts) against the floor of making the same copy
// with plain tools (`git archive HEAD | tar -x`), on a 50,000-file repository; and reading the
// plan back without following links (src/sandbox/safe-fs.ts) against a plain readFile.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readInside } from '../src/sandbox/safe-fs.js';
import { createScratch } from '../src/sandbox/scratch.js';
import { GitFixture } from '../test/support/git-fixture.js';
import { files } from './repo-size.js';
import { sideBySide, timeMs } from './stats.js';

export async function benchScratch(runs = 5, count = 50_000) {
  const repo = await GitFixture.create({ files: files(count) });
  const floorBase = await mkdtemp(path.join(tmpdir(), 'wild-bench-floor-'));
  let n = 0;
  try {
    // The copy and the record of it taken before the agent starts (what the action pays).
    const ours = () =>
      timeMs(async () => {
        const scratch = await createScratch(repo.work);
        await scratch.record();
        await scratch.dispose();
      });
    const floor = () =>
      timeMs(async () => {
        const dir = path.join(floorBase, String(n++));
        mkdirSync(dir);
        execFileSync('sh', ['-c', 'git -C "$1" archive HEAD | tar -x -C "$2"', 'sh', repo.work, dir]);
        await rm(dir, { recursive: true, force: true });
      });
    const copy = await sideBySide(runs, ours, floor);

    // A 1 MB plan (the largest the corpus holds), read back 200 times each way.
    const area = path.join(floorBase, 'area');
    mkdirSync(path.join(area, 'plans'), { recursive: true });
    writeFileSync(path.join(area, 'plans/tasks.md'), '- [ ] P1-T1: a task line of a large plan\n'.repeat(25_000));
    const times = 200;
    const safe = () =>
      timeMs(async () => {
        for (let i = 0; i < times; i++) readInside(area, 'plans/tasks.md');
      });
    const plain = () =>
      timeMs(async () => {
        for (let i = 0; i < times; i++) readFileSync(path.join(area, 'plans/tasks.md'), 'utf8');
      });
    const read = await sideBySide(runs, safe, plain);
    return { copy, read, files: count };
  } finally {
    await repo.dispose();
    await rm(floorBase, { recursive: true, force: true });
  }
}
