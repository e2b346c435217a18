// What every agent runner (generic command, OpenCode, Claude Code, Codex) promises.
import type { AgentIsolation } from '../sandbox/isolation.js';
import type { StopReason } from './events/common.js';
import { formatUsd } from './prices.js';

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
  /** The run ended at a cap from the settings (`max-turns`, `max-budget-usd`) rather than by itself. */
  stop?: AgentStop;
}

export interface AgentStop {
  reason: StopReason;
  /** The cap: turns, or US dollars. */
  limit: number;
  /** Who enforced it: the CLI through its own flag, or wild-plan counting turns in the CLI's stream. */
  by: 'cli' | 'wild-plan';
}

/**
 * "stopped at the 30-turn cap (max-turns)", "stopped at the $2.00 budget cap (max-budget-usd)";
 * a cap the CLI has no flag for says wild-plan enforced it.
 */
export function describeStop(stop: AgentStop): string {
  const how = stop.by === 'wild-plan' ? '; enforced by wild-plan from its event stream' : '';
  const cap =
    stop.reason === 'max-turns'
      ? `the ${stop.limit}-turn cap (max-turns${how})`
      : `the ${formatUsd(stop.limit)} budget cap (max-budget-usd${how})`;
  return `stopped at ${cap}`;
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
  /** What the run cost in US dollars; absent when neither the CLI nor the price table could tell. */
  costUsd?: number;
  /** `cli`: the CLI's own figure; `prices`: tokens × the list price of `pricedModel` (prices.ts). */
  costSource?: 'cli' | 'prices';
  /** The price-table entry the estimate used, with its USD per million input and output tokens. */
  pricedModel?: { model: string; input: number; output: number };
  /** Tokens were counted but no cost is shown: the model it ran (or '' when unnamed) has no known price. */
  unpriced?: string;
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
  /** US dollars: the CLI's own figure (`costSource: "cli"`) or tokens × list price (`"prices"`); unset when unknown. */
  costUsd?: number;
  costSource?: 'cli' | 'prices';
  /** Why the run ended early, when a cap ended it: "stopped at the 30-turn cap (max-turns)". */
  stopReason?: string;
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
    costUsd: stats?.costUsd,
    costSource: stats?.costSource,
    stopReason: agent.stop ? describeStop(agent.stop) : undefined,
  };
}
