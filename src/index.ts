// The action's entry. Most events that reach it are not for wild-plan (another label, an
// ordinary comment), so the skip decision comes first and the heavy pipeline is loaded only
// when there is something to plan.
import { appendFileSync, readFileSync, writeSync } from 'node:fs';
import { quickSkip } from './quick-skip.js';

function quickSkipReason(env: NodeJS.ProcessEnv): string | null {
  const eventName = env.GITHUB_EVENT_NAME;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventName || !eventPath) return null; // let the full run explain what is missing
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch {
    return null;
  }
  const label = env['INPUT_TRIGGER-LABEL']?.trim() || 'wild-plan';
  return quickSkip(eventName, payload, label);
}

const reason = quickSkipReason(process.env);
if (reason !== null) {
  // Straight to the descriptor: process.stdout would build a stream first (a few ms of a
  // path that should cost little more than starting Node).
  writeSync(1, `Skipped: ${reason}\n`);
  if (process.env.GITHUB_OUTPUT) {
    // The value is a constant, so a unique delimiter needs no crypto (not loading it is faster).
    const delimiter = `ghadelimiter_${process.pid}_${Date.now()}`;
    appendFileSync(process.env.GITHUB_OUTPUT, `status<<${delimiter}\nskipped\n${delimiter}\n`);
  }
} else {
  const { runFromEnvironment } = await import('./action/entry.js');
  await runFromEnvironment();
}
