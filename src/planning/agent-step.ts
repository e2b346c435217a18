// The agent step: the agent in its scratch copy, behind the loopback proxy, as its own user or
// in its own namespaces where the runner allows; the plan read back from the copy without
// following links, and a repair round while it breaks the contract.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createAgentRunner } from '../agent/index.js';
import { runAgentRounds, type RoundsResult } from '../agent/rounds.js';
import type { AgentRunner } from '../agent/runner.js';
import type { GoalResult } from '../goal.js';
import { inertText } from '../security/log-safety.js';
import type { Log } from '../log.js';
import type { AuthMode } from '../prompt/variables.js';
import { prepareIsolation, type Isolation } from '../sandbox/isolation.js';
import { readInside } from '../sandbox/safe-fs.js';
import type { Scratch } from '../sandbox/scratch.js';
import type { PreflightReport } from '../server/preflight.js';
import { describeActivity, startServerProxy } from '../server/proxy.js';
import { agentSettingsOf, type Settings } from '../settings.js';
import { composePrompt, type ResolvedPrompt } from './prompt.js';

export interface AgentStepDeps {
  log: Log;
  runner?: AgentRunner;
  signal?: AbortSignal;
  isolateAgent?: boolean;
}

export interface AgentStepInput {
  scratch: Scratch;
  goal: GoalResult;
  sessionId: string;
  tasksPath: string;
  preflight: PreflightReport;
  prompt: ResolvedPrompt;
  /** The server's memory bank, formatted for the prompt; '' for none. */
  memories: string;
  redact: (text: string) => string;
}

export interface AgentStepResult {
  rounds: RoundsResult;
  serverActivity: string | null;
  isolation: Isolation | null;
}

/**
 * Returns once nothing of the agent is left running and its copy is ours again, so what is read
 * back afterwards cannot change under us.
 */
export async function runAgentStep(settings: Settings, deps: AgentStepDeps, input: AgentStepInput): Promise<AgentStepResult> {
  const { log } = deps;
  const { scratch, tasksPath } = input;
  const agentTasks = path.join(scratch.work, tasksPath);
  // The agent's view of the server: a loopback proxy that adds the token (default), or the
  // server itself with the token in $WILD_AUTH_TOKEN. The proxy's lines name paths the agent
  // chose, so they are printed inert.
  const proxy = settings.serverProxy
    ? await startServerProxy({ target: settings.serverUrl, token: settings.serverToken, log: (line) => log.info(inertText(line)) })
    : null;
  let rounds: RoundsResult | undefined;
  let serverActivity: string | null = null;
  let isolation: Isolation | null = null;
  let restoreError: Error | undefined;
  try {
    const serverUrl = proxy?.url ?? settings.serverUrl;
    const auth: AuthMode = proxy ? { kind: 'proxy' } : settings.serverToken ? { kind: 'env', envVar: 'WILD_AUTH_TOKEN' } : { kind: 'none' };
    const prompt = await log.group('Render the planning prompt', async () =>
      composePrompt(settings, input.prompt, {
        goal: input.goal,
        sessionId: input.sessionId,
        workdir: scratch.work,
        tasksFile: agentTasks,
        openapi: input.preflight.openapi,
        serverUrl,
        auth,
        memories: input.memories,
      }),
    );
    const env: Record<string, string> = { WILD_SERVER_URL: serverUrl, WILD_TASKS_PATH: agentTasks, WILD_SESSION_ID: input.sessionId };
    if (auth.kind === 'env' && settings.serverToken) env.WILD_AUTH_TOKEN = settings.serverToken;
    const runner = deps.runner ?? createAgentRunner({ ...agentSettingsOf(settings), log: (line) => log.info(line) });
    // Ours, before the copy is lent: the agent finds the directory it is told to write to.
    await mkdir(path.dirname(agentTasks), { recursive: true });
    // Recorded while the copy is ours to read (lent, it may be closed to us through sudo).
    await scratch.record();
    isolation = deps.isolateAgent ? await isolate(scratch, settings, log) : null;
    if (!deps.isolateAgent) log.info("Agent isolation is off: the agent runs as this process's user.");
    rounds = await runAgentRounds({
      runner,
      prompt,
      limits: input.prompt.contract.limits,
      workdir: scratch.work,
      env,
      timeoutMs: settings.agentTimeoutMs,
      tasksFile: agentTasks,
      readTasks: async () => {
        await isolation?.takeBack?.();
        return readInside(scratch.work, tasksPath);
      },
      beforeRun: async () => isolation?.lendAgain?.(),
      repairRounds: settings.repairRounds,
      log,
      signal: deps.signal,
      redact: input.redact,
      isolation: isolation?.agent,
    });
    // The agent's name at least, whatever else its runner can tell; the model name it reported
    // goes to the summary and an output like anything else it printed.
    const stats = rounds.round.agent.stats ?? { agent: runner.name };
    rounds.round.agent.stats = stats.model === undefined ? stats : { ...stats, model: input.redact(stats.model) };
  } finally {
    // First: stop whatever the agent left and take the copy back before anything reads it.
    await isolation?.restore().catch((error: Error) => {
      restoreError = error;
      log.error(error.message);
    });
    if (proxy) {
      await proxy.close();
      serverActivity = describeActivity(proxy.activity());
      log.info(inertText(`The agent on the research server: ${serverActivity}`));
    }
  }
  if (restoreError) throw restoreError;
  return { rounds: rounds!, serverActivity, isolation };
}

async function isolate(scratch: Scratch, settings: Settings, log: Log): Promise<Isolation> {
  const isolation = await prepareIsolation(scratch.root, { perRun: true, sandboxHide: [settings.workspace] });
  if (isolation.isolated) log.info(isolation.reason);
  else log.warning(isolation.reason);
  return isolation;
}
