// Cold start: an event that must be skipped, against `node -e 0`. Target ≤ 1.5×.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { webhookExample } from '../test/support/webhook-examples.js';
import { runProcess } from './process.js';
import { sideBySide } from './stats.js';

export async function benchColdStart(root: string, runs = 15) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wild-plan-bench-cold-'));
  const event = path.join(dir, 'event.json');
  await writeFile(event, JSON.stringify(webhookExample('issues', 'labeled'))); // label `bug`: skipped
  const env = { PATH: process.env.PATH, GITHUB_EVENT_NAME: 'issues', GITHUB_EVENT_PATH: event, 'INPUT_TRIGGER-LABEL': 'wild-plan' };
  const action = async () => {
    const run = await runProcess([process.execPath, path.join(root, 'dist/index.js')], { env });
    if (!run.stdout.includes('Skipped')) throw new Error(`the skip event was not skipped: ${run.stdout}${run.stderr}`);
    return run.ms;
  };
  const floor = async () => (await runProcess([process.execPath, '-e', '0'], { env })).ms;
  return sideBySide(runs, action, floor);
}
