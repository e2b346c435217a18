// The generic runner: any program that reads the prompt (stdin or WILD_PROMPT_FILE) and
// prints the agent's final text, e.g. a wrapper script around a team's own agent.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parseArgsStringToArgv from 'string-argv';
import { assertForwardable, buildAgentEnv } from '../sandbox/environment.js';
import { runCaptured } from './process.js';
import type { AgentRunner, AgentRunRequest, AgentRunResult } from './runner.js';

export interface CommandRunnerOptions {
  /**
   * Program and arguments as one string, split like a shell would split words ("…" and
   * '…' quote) but never run by a shell: `;`, `|`, `$(…)`, `>` are plain arguments.
   * A relative program path is resolved against the request's workdir.
   */
  command: string;
  /** Parent variables passed to the agent on top of the allow-list (never a token). */
  forwardEnv?: readonly string[];
  /** Between SIGTERM and SIGKILL when the agent is stopped; default 5 s. */
  killGraceMs?: number;
  /** Kept tail of stderr, in bytes; default 16 KiB. */
  maxStderrBytes?: number;
  /** What error messages call it; default "agent-command". */
  label?: string;
}

/** The variable holding the path of a file with the prompt, for programs that take a file. */
export const PROMPT_FILE_ENV = 'WILD_PROMPT_FILE';

export class CommandRunner implements AgentRunner {
  readonly name = 'command';
  private readonly argv: string[];
  private readonly label: string;

  constructor(private readonly options: CommandRunnerOptions) {
    this.argv = parseArgsStringToArgv(options.command);
    this.label = `${options.label ?? 'agent-command'} \`${this.argv[0] ?? ''}\``;
    if (this.argv.length === 0) throw new Error(`${options.label ?? 'agent-command'}: the command is empty`);
    // Fail at configuration time, before any agent starts.
    assertForwardable(options.forwardEnv ?? []);
  }

  async run(request: AgentRunRequest): Promise<AgentRunResult> {
    const isolation = request.isolation;
    // Outside the workdir, so the prompt is never committed; mkdtemp makes the dir 0700.
    const promptDir = await mkdtemp(join(tmpdir(), 'wild-prompt-'));
    try {
      const promptFile = join(promptDir, 'prompt.md');
      await writeFile(promptFile, request.prompt, { mode: 0o600 });
      // Isolated, the dir becomes the agent user's for the run: readable by it alone.
      await isolation?.grant(promptDir);
      const extra = { ...request.env, ...isolation?.env, [PROMPT_FILE_ENV]: promptFile };
      const env = buildAgentEnv(process.env, extra, this.options.forwardEnv);
      const captured = await runCaptured({
        argv: this.argv,
        cwd: request.workdir,
        env,
        stdin: request.prompt,
        timeoutMs: request.timeoutMs,
        signal: request.signal,
        killGraceMs: this.options.killGraceMs,
        maxOutputBytes: request.maxOutputBytes,
        maxStderrBytes: this.options.maxStderrBytes,
        label: this.label,
        isolation: isolation?.process,
      });
      return {
        transcript: captured.stdout,
        stderrTail: captured.stderrTail,
        exitCode: captured.exitCode,
        signal: captured.signal,
        timedOut: captured.timedOut,
        aborted: captured.aborted,
        truncated: captured.truncated,
        durationMs: captured.durationMs,
      };
    } finally {
      // Through sudo we cannot remove what the agent user owns until it is ours again.
      await isolation?.reclaim(promptDir).catch(() => {});
      await rm(promptDir, { recursive: true, force: true });
    }
  }
}
