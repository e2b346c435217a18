// What every agent runner (generic command, OpenCode, Claude Code, Codex) promises.
import type { AgentIsolation } from '../sandbox/isolation.js';

export interface AgentRunRequest {
  /** The rendered planning prompt. */
  prompt: string;
  /** The checked-out repository the agent works in. */
  workdir: string;
  /** Extra variables for the agent on top of its allow-listed base environment. */
  env: Record<string, string>;
  /** Wall-clock limit; past it the agent and everything it started are stopped. */
  timeoutMs: number;
  /** Largest transcript kept, in bytes; the rest is dropped (the tail is kept). */
  maxOutputBytes?: number;
  /** Cancels the run (SIGINT/SIGTERM of the action). */
  signal?: AbortSignal;
  /** Run the agent as another user (prepareIsolation's `agent`); absent: as we run. */
  isolation?: AgentIsolation;
}

export interface AgentRunResult {
  /** The agent's final text, where the transcript parser looks for <plan>. */
  transcript: string;
  /** Standard error, tail only, for error messages. */
  stderrTail: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** True when output past maxOutputBytes was dropped. */
  truncated: boolean;
  /** True when request.signal stopped the run. Optional: not every runner can tell. */
  aborted?: boolean;
  durationMs: number;
  /** What the run cost and did, where the runner can tell (the agent presets can). */
  stats?: AgentRunStats;
  /** The tool calls the agent made, in order (presets read them from the CLI's event stream). */
  steps?: AgentStep[];
  /**
   * Why the run failed, in words for the person reading the log, when the runner could tell
   * (e.g. "the model endpoint at https://… is unreachable (connection refused)"). Also
   * appended to stderrTail, so callers that only show stderr still show it.
   */
  failure?: string;
}

export interface AgentRunStats {
  agent: string;
  version?: string;
  model?: string;
  /** Model turns as the CLI counts them. */
  turns?: number;
  toolCalls?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export interface AgentStep {
  /** The tool's name as the CLI calls it: `bash`, `Write`, `command_execution`, … */
  tool: string;
  /** One line: the command, the file path, or the input cut short. */
  summary: string;
  /** false when the tool reported an error or a non-zero exit. */
  ok?: boolean;
}

export interface AgentRunner {
  readonly name: string;
  run(request: AgentRunRequest): Promise<AgentRunResult>;
}

/** The `agent-stats` output: what the run cost and did, where the runner could tell. */
export interface AgentStatsJson {
  agent?: string;
  version?: string;
  model?: string;
  /** Wall time of the agent run whose plan was used (the last repair round, if any), in milliseconds. */
  wallTimeMs: number;
  turns?: number;
  toolCalls?: number;
  inputTokens?: number;
  outputTokens?: number;
}

export function agentStatsJson(agent: AgentRunResult): AgentStatsJson {
  const stats = agent.stats;
  return {
    agent: stats?.agent,
    version: stats?.version,
    model: stats?.model,
    wallTimeMs: agent.durationMs,
    turns: stats?.turns,
    toolCalls: stats?.toolCalls,
    inputTokens: stats?.inputTokens,
    outputTokens: stats?.outputTokens,
  };
}
