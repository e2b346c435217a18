// Cold start: an event that must be skipped, against `node -e 0`, both with the environment
// GitHub's runner gives a JavaScript action (GITHUB_OUTPUT and the other file commands, every
// INPUT_*), so the skip path writes its `status` output as it does on GitHub. Target ≤ 1.2×.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { ActionScenario, DIST_ENTRY, labeledIssueEvent, parseOutputFile } from '../test/support/action-harness.js';
import { runProcess } from './process.js';
import { sideBySide } from './stats.js';

export async function benchColdStart(runs = 20) {
  const scenario = await ActionScenario.create({ event: labeledIssueEvent('bug') }); // label `bug`: skipped
  try {
    const env = await scenario.environment();
    const action = async () => {
      const run = await runProcess([process.execPath, DIST_ENTRY], { env });
      if (!run.stdout.includes('Skipped')) throw new Error(`the skip event was not skipped: ${run.stdout}${run.stderr}`);
      return run.ms;
    };
    const floor = async () => (await runProcess([process.execPath, '-e', '0'], { env })).ms;
    const figures = await sideBySide(runs, action, floor);
    const outputs = parseOutputFile(await readFile(env.GITHUB_OUTPUT!, 'utf8'));
    if (outputs.status !== 'skipped')
      throw new Error(`the skip path did not set status=skipped in GITHUB_OUTPUT: ${JSON.stringify(outputs)}`);
    return { ...figures, env: { githubOutput: true, variables: Object.keys(env).length } };
  } finally {
    await scenario.dispose();
  }
}

/**
 * What loading the planning pipeline costs before its first request: importing the action's
 * entry chunk (everything a planning run loads up front) against importing nothing, both as ES
 * modules. Part of every planning run's start-up; the difference is reported in ms.
 */
export async function benchPipelineLoad(runs = 10) {
  const index = await readFile(DIST_ENTRY, 'utf8');
  const chunk = /import\("\.\/(entry-[A-Za-z0-9_-]+\.js)"\)/.exec(index)?.[1];
  if (!chunk) throw new Error('dist/index.js imports no entry-*.js chunk');
  const url = new URL(chunk, pathToFileURL(DIST_ENTRY)).href;
  const env = { PATH: process.env.PATH };
  const load = async () =>
    (await runProcess([process.execPath, '--input-type=module', '-e', `await import(${JSON.stringify(url)})`], { env })).ms;
  const nothing = async () => (await runProcess([process.execPath, '--input-type=module', '-e', '0'], { env })).ms;
  const figures = await sideBySide(runs, load, nothing);
  return { ...figures, ms: figures.a.median - figures.b.median };
}
