// The action's side of an agent run, as a process of its own: the isolation tests start it
// with the sentinel tokens in its environment from exec, as GitHub starts the action with
// INPUT_* tokens. (Setting process.env inside the test process would not do: Linux shows
// /proc/<pid>/environ as the process was started, not as it later changed.)
//
//   node --import tsx test/support/isolation-driver.ts <config.json>   → report JSON on stdout
import { readFileSync } from 'node:fs';
import { CommandRunner } from '../../src/agent/command.js';
import { prepareIsolation } from '../../src/agent/isolation.js';

export interface DriverConfig {
  workspace: string;
  command: string;
  isolate: boolean;
  env: Record<string, string>;
  timeoutMs: number;
}

export interface DriverReport {
  isolated: boolean;
  reason: string | null;
  user: string | null;
  driverPid: number;
  exitCode: number | null;
  timedOut: boolean;
  transcript: string;
  stderrTail: string;
  /** Whether any process of the agent user was left when the run returned (before restore). */
  leftRunning: boolean | null;
}

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as DriverConfig;
const isolation = config.isolate ? await prepareIsolation(config.workspace) : null;
let report: DriverReport;
try {
  const runner = new CommandRunner({ command: config.command, killGraceMs: 500 });
  const result = await runner.run({
    prompt: 'Look around.',
    workdir: config.workspace,
    env: config.env,
    timeoutMs: config.timeoutMs,
    isolation: isolation?.agent,
  });
  report = {
    isolated: isolation?.isolated ?? false,
    reason: isolation?.reason ?? null,
    user: isolation?.user ?? null,
    driverPid: process.pid,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    transcript: result.transcript,
    stderrTail: result.stderrTail,
    leftRunning: isolation?.agent ? await isolation.agent.process.anyRunning() : null,
  };
} finally {
  await isolation?.restore();
}
process.stdout.write(JSON.stringify(report));
