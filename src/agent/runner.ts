// What every agent runner (generic command, OpenCode, Claude Code, Codex) promises.

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
}

export interface AgentRunner {
  readonly name: string;
  run(request: AgentRunRequest): Promise<AgentRunResult>;
}
