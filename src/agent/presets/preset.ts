// What wild-plan knows about one agent CLI: where to get it, how to run it headless
// against a given model endpoint, and how to read its event stream. The verified
// invocations are in shared/AGENT_CLIS.md; each preset file follows it.
import type { ParsedEvents } from '../events/common.js';

export type PresetName = 'opencode' | 'claude-code' | 'codex';

export interface PresetContext {
  prompt: string;
  workdir: string;
  /** A fresh per-run directory (0700) the preset may write config or output files into. */
  runDir: string;
  /** The model, as the `model` input gives it (already checked by `check`). */
  model?: string;
  /** The provider base URL (`agent-base-url`), without a trailing slash. */
  baseUrl?: string;
}

export interface Invocation {
  /** Arguments after the program. The prompt goes on stdin: argv caps one argument at 128 KiB. */
  args: string[];
  /** The CLI's own variables (telemetry off, config, endpoint); HOME and XDG_* are set for it. */
  env: Record<string, string>;
  /** A file the CLI writes its final message to, read in preference to the stream. */
  lastMessageFile?: string;
  /** Directories to create before the run (CODEX_HOME must exist). */
  makeDirs?: string[];
}

/**
 * Lines that mean "the model endpoint cannot be reached". A CLI that retries such failures
 * for minutes (codex forever) is stopped after `giveUpAfter` of them in a row, with any
 * other stdout line in between resetting the count.
 */
export interface UnreachableWatch {
  stream: 'stdout' | 'stderr';
  pattern: RegExp;
  giveUpAfter: number;
}

export interface AgentPreset {
  readonly name: PresetName;
  readonly packageName: string;
  readonly bin: string;
  /**
   * The native program inside the install, relative to node_modules, best first, for CLIs whose
   * launcher is a placeholder only their install script fills in (see native-binary.ts).
   */
  nativeBinaries?(): string[];
  /** The version checked against a scripted model (AGENT_CLIS.md). */
  readonly defaultVersion: string;
  /** Where the CLI talks to without `agent-base-url`, for error messages. */
  readonly defaultEndpoint: string;
  readonly unreachable?: UnreachableWatch;
  /** What is wrong with these settings for this CLI, as sentences naming the input; [] when fine. */
  check(settings: { model?: string; baseUrl?: string }): string[];
  invocation(context: PresetContext): Invocation;
  parse(stdout: string): ParsedEvents;
}

/** A model name goes into argv or TOML: printable, no leading dash (it would read as a flag). */
export function modelProblems(model: string | undefined): string[] {
  if (model === undefined) return [];
  if (model.trim() === '' || model.startsWith('-') || /[\s\u0000-\u001f\u007f]/.test(model)) {
    return [`input \`model\` "${model}" is not a model name (no spaces or control characters, no leading "-")`];
  }
  return [];
}
