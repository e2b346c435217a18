import { checkPlan, type PlanLimits } from '../plan/check.js';
import { parsePlan } from '../plan/parse.js';
import type { Finding, Plan } from '../plan/types.js';
import { renderRepairPrompt } from '../prompt/repair.js';
import type { Log } from '../log.js';
import type { AgentIsolation } from '../sandbox/isolation.js';
import type { SafeRead } from '../sandbox/safe-fs.js';
import { plural } from '../text/plural.js';
import { truncateStart } from '../text/truncate.js';
import { describeStop, type AgentRunner, type AgentRunResult } from './runner.js';
import { parseTranscript, type TranscriptSignals } from './transcript.js';

/** The agent exited badly or ran out of time: an error, not a plan verdict. */
export class AgentFailedError extends Error {
  override name = 'AgentFailedError';
}

export interface AgentRound {
  agent: AgentRunResult;
  transcript: TranscriptSignals;
  /** From <plan>, else the tasks file the agent left; secrets already redacted. */
  planMarkdown: string | null;
  /** Why the tasks file the agent left was not read (a link, a FIFO, too large…); null when it was, or was absent. */
  refused: string | null;
}

export interface RoundsResult {
  round: AgentRound;
  plan: Plan | null;
  findings: Finding[];
}

export interface RoundsInput {
  runner: AgentRunner;
  prompt: string;
  /** What the prompt in use holds a plan to (readContract); default every known version's numbers. */
  limits?: PlanLimits;
  workdir: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Absolute path of tasks.md as the agent sees it: where it writes, named in the repair prompt. */
  tasksFile: string;
  /**
   * Reads back the tasks file the agent left, never following a link (sandbox/safe-fs.ts), once
   * the agent's directory is ours again (an isolated agent's is lent to its user during a run).
   */
  readTasks: () => Promise<SafeRead>;
  /** Before each run: lends the directory to the agent again (after readTasks took it back). */
  beforeRun?: () => Promise<void>;
  repairRounds: number;
  log: Log;
  signal?: AbortSignal;
  redact: (text: string) => string;
  /** Runs every round as the isolated agent user (prepareIsolation's `agent`). */
  isolation?: AgentIsolation;
}

/**
 * Runs the agent, and while its plan breaks the contract, asks it again with the findings
 * (up to `repairRounds` times). A round that yields no plan keeps the previous one.
 */
export async function runAgentRounds(input: RoundsInput): Promise<RoundsResult> {
  const { log } = input;
  const runOnce = (title: string, prompt: string): Promise<AgentRound> =>
    log.group(`${title}: ${input.runner.name}`, async () => {
      await input.beforeRun?.();
      const agent = await input.runner.run({
        prompt,
        workdir: input.workdir,
        env: input.env,
        timeoutMs: input.timeoutMs,
        signal: input.signal,
        isolation: input.isolation,
      });
      log.info(`agent finished in ${Math.round(agent.durationMs / 1000)} s (exit ${agent.exitCode ?? agent.signal})`);
      assertSucceeded(agent, input);
      const transcript = parseTranscript(agent.transcript);
      const onDisk = await input.readTasks();
      if (onDisk.kind === 'refused') log.warning(`${onDisk.reason}: ignored, as if the agent had written none`);
      const text = transcript.plan ?? (onDisk.kind === 'file' ? onDisk.text : null);
      return {
        agent,
        transcript,
        planMarkdown: text === null ? null : input.redact(text),
        refused: onDisk.kind === 'refused' ? onDisk.reason : null,
      };
    });

  let round = await runOnce('Agent', input.prompt);
  if (!round.planMarkdown?.trim()) return { round, plan: null, findings: [] };
  let plan = parsePlan(round.planMarkdown);
  let findings = checkPlan(plan, input.limits);
  for (let n = 1; n <= input.repairRounds && !plan.abort && errorCount(findings) > 0; n++) {
    log.info(
      `The plan breaks the contract in ${plural(errorCount(findings), 'place')}; asking the agent to correct it (round ${n} of ${input.repairRounds}).`,
    );
    const repaired = await runOnce(`Repair round ${n}`, renderRepairPrompt(input.prompt, round.planMarkdown!, findings, input.tasksFile));
    if (!repaired.planMarkdown?.trim()) continue;
    round = repaired;
    plan = parsePlan(repaired.planMarkdown!);
    findings = checkPlan(plan, input.limits);
  }
  return { round, plan, findings };
}

export const errorCount = (findings: Finding[]) => findings.filter((f) => f.severity === 'error').length;

function assertSucceeded(agent: AgentRunResult, input: RoundsInput): void {
  if (agent.timedOut) {
    throw new AgentFailedError(
      `The agent did not finish within ${input.timeoutMs / 60_000} minutes and was stopped. Raise \`agent-timeout-minutes\` or make the agent's planning lighter.`,
    );
  }
  if (agent.stop && agent.exitCode !== 0) {
    const setting = agent.stop.reason === 'max-turns' ? 'max-turns' : 'max-budget-usd';
    throw new AgentFailedError(
      `The agent ${describeStop(agent.stop)} before it finished. Raise \`${setting}\` or make the agent's planning lighter.`,
    );
  }
  if (agent.exitCode !== 0) {
    const how = agent.exitCode === null ? `signal ${agent.signal}` : `code ${agent.exitCode}`;
    throw new AgentFailedError(`The agent exited with ${how}.${tail('Its last error output', input.redact(agent.stderrTail))}`);
  }
}

export function tail(label: string, text: string, max = 1200): string {
  const t = text.trim();
  if (!t) return '';
  return `\n${label}:\n${truncateStart(t, max)}`;
}
