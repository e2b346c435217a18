// The action's side of an agent run, as a process of its own: the isolation tests start it
// with the sentinel tokens in its environment from exec, as GitHub starts the action with
// INPUT_* tokens. (Setting process.env inside the test process would not do: Linux shows
// /proc/<pid>/environ as the process was started, not as it later changed.)
//
//   node --import tsx test/support/isolation-driver.ts <config.json>   → report JSON on stdout
import { readFileSync } from 'node:fs';
import { CommandRunner } from '../../src/agent/command.js';
import { prepareIsolation, type Isolation } from '../../src/sandbox/isolation.js';
import { prepareNamespaceSandbox } from '../../src/sandbox/namespace.js';

/** The namespace sandbox alone, as prepareIsolation sets it up where there is no root or sudo. */
async function namespaceIsolation(hide: string[]): Promise<Isolation> {
  const sandbox = await prepareNamespaceSandbox({ hide });
  if ('reason' in sandbox) return { isolated: false, kind: 'none', reason: sandbox.reason, restore: async () => {} };
  const none = async () => {};
  return {
    isolated: true,
    kind: 'namespace',
    reason: `covers ${sandbox.covered().join(', ')}`,
    agent: { user: 'self', process: sandbox.process, env: {}, grant: none, reclaim: none, reach: async (t) => sandbox.keepVisible(t) },
    restore: none,
  };
}

export interface DriverConfig {
  workspace: string;
  command: string;
  isolate: boolean;
  env: Record<string, string>;
  timeoutMs: number;
  /** Run in the namespace sandbox (whoever we are), covering these paths, instead of prepareIsolation. */
  namespaceHide?: string[];
  /** prepareIsolation with its namespace fallback covering these paths (as the pipeline asks). */
  sandboxHide?: string[];
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
const isolation = config.namespaceHide
  ? await namespaceIsolation(config.namespaceHide)
  : config.isolate
    ? await prepareIsolation(config.workspace, { sandboxHide: config.sandboxHide })
    : null;
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
