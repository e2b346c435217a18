import { afterEach } from 'vitest';
import { ActionScenario } from './action-harness.js';

/** `ActionScenario.create` for a test file: every scenario a test creates is disposed after it. */
export function scenariosPerTest(): (...args: Parameters<typeof ActionScenario.create>) => Promise<ActionScenario> {
  const live: ActionScenario[] = [];
  afterEach(async () => {
    await Promise.all(live.splice(0).map((s) => s.dispose()));
  });
  return async (...args) => {
    const scenario = await ActionScenario.create(...args);
    live.push(scenario);
    return scenario;
  };
}
