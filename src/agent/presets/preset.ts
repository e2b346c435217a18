// What wild-plan knows about one agent CLI: where to get it, how to run it headless
// against a given model endpoint, and how to read its event stream. The verified
// invocations are in shared/AGENT_CLIS.md; each preset file follows it.
import type { JsonObject, ParsedEvents } from '../events/common.js';

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
  /** `max-turns`: the most model turns the run may take. */
  maxTurns?: number;
  /** `max-budget-usd`: the most the run may spend, for a CLI with a flag for it (`budget`). */
  maxBudgetUsd?: number;
}

/** What a preset is checked against: the settings that reach the CLI. */
export type PresetSettings = Pick<PresetContext, 'model' | 'baseUrl' | 'maxTurns' | 'maxBudgetUsd'>;

/**
 * How `max-turns` holds for a CLI:
 * - `cli`: the CLI stops itself at the cap and says so in its stream (Claude Code's --max-turns);
 * - `soft`: at the cap the CLI asks the model for a final answer without tools (OpenCode's
 *   agent `steps`), which a model may ignore, so wild-plan also stops it one turn past the cap;
 * - `none`: the CLI has no limit, and wild-plan stops it when its stream shows the turn past the cap.
 */
export interface TurnLimit {
  kind: 'cli' | 'soft' | 'none';
  /**
   * For `soft` and `none`: a counter for one run, telling how many model turns an event of the
   * CLI's stream begins (most: 0).
   */
  turnCounter?(): (event: JsonObject) => number;
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
  readonly turnLimit: TurnLimit;
  /** Whether the CLI takes a spending cap (`max-budget-usd`). */
  readonly budget: boolean;
  /** What is wrong with these settings for this CLI, as sentences naming the input; [] when fine. */
  check(settings: PresetSettings): string[];
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

/** The inputs a preset cannot honour, as sentences naming them. */
export function capProblems(preset: Pick<AgentPreset, 'name' | 'budget'>, settings: PresetSettings): string[] {
  if (settings.maxBudgetUsd === undefined || preset.budget) return [];
  return [
    `input \`max-budget-usd\` works only with \`agent: claude-code\` (${preset.name} has no spending cap of its own); use \`max-turns\` to bound the run`,
  ];
}
