// `npm run demo` leaves what a reviewer sees: the plan files, the PR comment and the job
// summary, the same on every run (they are committed in demo-output/).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/plan/check.js';
import { parsePlan } from '../../src/plan/parse.js';
import { PLAN_COMMENT_MARKER } from '../../src/plan/present.js';
import { DEMO_FILES, runDemo } from '../../scripts/demo.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wild-plan-demo-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the demo', () => {
  it('leaves the plan, the PR comment and the job summary, the same on every run, with no temp path or random id', async () => {
    const lines: string[] = [];
    await runDemo({ outputDir: path.join(dir, 'a'), print: (line) => lines.push(line) });
    await runDemo({ outputDir: path.join(dir, 'b'), print: () => {} });
    expect((await readdir(path.join(dir, 'a'))).sort()).toEqual([...DEMO_FILES].sort());
    for (const file of DEMO_FILES) {
      const text = await readFile(path.join(dir, 'a', file), 'utf8');
      expect(text, file).toBe(await readFile(path.join(dir, 'b', file), 'utf8'));
      expect(text, file).not.toMatch(new RegExp(`${os.tmpdir()}/|wild-(?!00000000)[0-9a-f]{8}\\b`));
    }
    const comment = await readFile(path.join(dir, 'a', 'comment.md'), 'utf8');
    expect(comment.startsWith(PLAN_COMMENT_MARKER)).toBe(true);
    expect(comment).toContain('https://github.com/your-org/your-repo/blob/wild-plan/issue-42/.wild/plans/issue-42/tasks.md');
    const summary = await readFile(path.join(dir, 'a', 'summary.md'), 'utf8');
    expect(summary).toMatch(/^## ✅ wild-plan: planned/);
    expect(summary).toContain('repository your-org/your-repo');
    // The demo's plan meets the contract without a single warning.
    expect(checkPlan(parsePlan(await readFile(path.join(dir, 'a', 'tasks.md'), 'utf8')))).toEqual([]);
    // It says what stands in for what, and prints only paths that outlive it.
    const report = lines.join('\n');
    expect(report).toContain('test/support/scripted-agent.mjs, a scripted stand-in: it writes the same plan for every goal');
    expect(report).toContain('test/support/wild-server.ts');
    expect(report).toMatch(/npx wild-plan plan --agent claude-code --agent-env ANTHROPIC_API_KEY/);
    expect(report).not.toMatch(/wild-plan-demo-(?!test)/);
  });

  // A snapshot of the review: a change to how plans are shown shows here too (npm run demo renews it).
  const committed = path.resolve(import.meta.dirname, '../../demo-output');
  it('matches what is committed in demo-output/', async () => {
    await runDemo({ outputDir: dir, print: () => {} });
    for (const file of DEMO_FILES) {
      expect(await readFile(path.join(dir, file), 'utf8'), `${file}: run npm run demo`).toBe(
        await readFile(path.join(committed, file), 'utf8'),
      );
    }
  });
});
