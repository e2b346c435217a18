// The cost of running git through GitRepo (src/git/repo.ts) against the floor of spawning the
// same git commands with plain execFile: twelve silent plumbing commands (a read-tree and eleven
// update-index into a throw-away index, each printing nothing), and the plan commit buildCommit
// makes for two files. A runner that waits after commands that print nothing shows up here.
// `npx tsx bench/git-plumbing.ts` prints the figures on its own.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildCommit, BOT_AUTHOR } from '../src/git/commit.js';
import { GitRepo } from '../src/git/repo.js';
import { GitFixture } from '../test/support/git-fixture.js';
import { fmt, sideBySide, timeMs } from './stats.js';

const run = promisify(execFile);

/** read-tree, then `count - 1` update-index: all silent, all in a throw-away index. */
function silentSequence(blob: string, count: number): string[][] {
  const commands = [['read-tree', 'HEAD']];
  for (let i = 1; i < count; i++) commands.push(['update-index', '--add', '--cacheinfo', `100644,${blob},bench/file${i}.md`]);
  return commands;
}

export async function benchGitPlumbing(runs = 7, count = 12) {
  const fx = await GitFixture.create();
  const scratch = await mkdtemp(path.join(tmpdir(), 'wild-bench-git-'));
  const repo = GitRepo.open(fx.work);
  let n = 0;
  try {
    const blob = (await run('git', ['rev-parse', 'HEAD:README.md'], { cwd: fx.work })).stdout.trim();
    const commands = silentSequence(blob, count);
    const ours = () =>
      timeMs(async () => {
        const env = { GIT_INDEX_FILE: path.join(scratch, `ours-${n++}`) };
        for (const args of commands) await repo.run(args, { env });
      });
    const floor = () =>
      timeMs(async () => {
        const env = { ...process.env, GIT_INDEX_FILE: path.join(scratch, `floor-${n++}`) };
        for (const args of commands) await run('git', args, { cwd: fx.work, env });
      });
    const silent = await sideBySide(runs, ours, floor);

    // The plan commit: what publishPlan pays between the fetch and the push.
    const parent = await repo.text(['rev-parse', 'HEAD']);
    const files = [
      { path: 'plans/tasks.md', content: '# Tasks\n\n- [ ] P1-T1: a task\n' },
      { path: 'plans/prompt_skill_playbook.md', content: '# Playbook\n' },
    ];
    const commit = () => timeMs(() => buildCommit(repo, { parent, files, message: `bench ${n++}`, author: BOT_AUTHOR }));
    // Floor: one git process, the cheapest thing a commit can cost.
    const one = () => timeMs(() => run('git', ['rev-parse', 'HEAD'], { cwd: fx.work }));
    const plan = await sideBySide(runs, commit, one);
    return { silent, commit: plan, count };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await fx.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchGitPlumbing();
  const s = result.silent;
  console.log(`${result.count} silent plumbing commands: GitRepo.run ${fmt(s.a)} vs execFile ${fmt(s.b)} → ${s.ratio.toFixed(2)}×`);
  console.log(`buildCommit, 2 files: ${fmt(result.commit.a)} (one git process: ${fmt(result.commit.b)})`);
}
