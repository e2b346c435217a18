// The agent the settings name, as an AgentRunner: the generic command, or a preset for a
// real agent CLI (OpenCode, Claude Code, Codex).
import { CommandRunner } from './command.js';
import { AgentEnvError, assertForwardable } from '../sandbox/environment.js';
import { PresetRunner, AgentConfigError } from './preset-runner.js';
import { claudeCodePreset } from './presets/claude-code.js';
import { codexPreset, type CodexSandbox } from './presets/codex.js';
import { opencodePreset } from './presets/opencode.js';
import type { AgentPreset, PresetName } from './presets/preset.js';
import { DEFAULT_PRICES, type PriceTable } from './prices.js';
import type { AgentRunner } from './runner.js';
import type { InputProblem } from '../settings.js';

export type AgentKind = 'command' | PresetName;

export interface AgentSettings {
  agent: AgentKind;
  /** With `agent: command`: the program and its arguments. */
  agentCommand?: string;
  /** Exact CLI version; default the preset's pinned one (PRESETS[agent].defaultVersion). */
  agentVersion?: string;
  model?: string;
  /** Names of runner variables passed to the agent (its API key), never a GitHub token. */
  agentEnv: string[];
  /** Base URL of the model provider or a gateway in front of it. */
  providerBaseUrl?: string;
  /** Where agent CLIs are installed; default defaultAgentCacheDir(). */
  cacheDir?: string;
  /** Use a CLI found on PATH when it is the wanted version (default true). */
  usePath?: boolean;
  /** `max-turns`: the most model turns a run may take (presets only). */
  maxTurns?: number;
  /** `max-budget-usd`: the most a run may spend, where the CLI has a cap of its own (Claude Code). */
  maxBudgetUsd?: number;
  /** `model-prices`: USD per million tokens, added to and overriding DEFAULT_PRICES. */
  modelPrices?: PriceTable;
  /** Codex's sandbox; `danger-full-access` where user namespaces are blocked. */
  codexSandbox?: CodexSandbox;
  /** Progress lines (installs). */
  log?: (line: string) => void;
}

export const PRESETS: Readonly<Record<PresetName, AgentPreset>> = {
  opencode: opencodePreset,
  'claude-code': claudeCodePreset,
  codex: codexPreset(),
};

/**
 * Everything wrong with the settings for their agent, each about one input, in words that name
 * inputs in backticks (see InputProblem) so the action and the CLI each say them in their own
 * terms; [] when fine.
 */
export function agentSettingsProblems(settings: AgentSettings): InputProblem[] {
  const problems: InputProblem[] = [];
  try {
    assertForwardable(settings.agentEnv);
  } catch (error) {
    if (!(error instanceof AgentEnvError)) throw error;
    problems.push({ input: 'agent-env', message: `\`agent-env\`: ${error.message.replace(/^agent environment: /, '')}` });
  }
  if (settings.agent === 'command') {
    for (const [input, value] of [
      ['max-turns', settings.maxTurns],
      ['max-budget-usd', settings.maxBudgetUsd],
    ] as const) {
      // A command's output has no turns wild-plan could count, nor a cap it could pass on.
      if (value !== undefined) {
        problems.push({
          input,
          message: `\`${input}\` needs an agent preset (\`agent: opencode\`, \`claude-code\` or \`codex\`), not \`agent: command\``,
        });
      }
    }
    if (!settings.agentCommand?.trim()) {
      problems.push({
        input: 'agent-command',
        message:
          '`agent-command` is required when `agent` is `command` (the default): the command that runs your agent (it gets the prompt on stdin and in $WILD_PROMPT_FILE); or pick a preset agent: `agent: opencode`, `agent: claude-code` or `agent: codex`.',
      });
    }
    return problems;
  }
  try {
    new PresetRunner({ ...presetOptions(settings), forwardEnv: [] }); // agent-env was checked above
  } catch (error) {
    if (!(error instanceof AgentConfigError)) throw error;
    problems.push(...error.message.split('\n- ').slice(1).map(inputProblem));
  }
  return problems;
}

/** A preset's sentence ("input `model` …") as an InputProblem about the input it names first. */
function inputProblem(sentence: string): InputProblem {
  const message = sentence.replace(/^input /, '');
  return { input: /^`([^`]+)`/.exec(message)?.[1] ?? 'agent', message };
}

/** The runner for the settings' agent. Throws AgentConfigError when the settings cannot work. */
export function createAgentRunner(settings: AgentSettings): AgentRunner {
  const problems = agentSettingsProblems(settings);
  if (problems.length > 0) {
    throw new AgentConfigError(`agent ${settings.agent}:\n- ${problems.map((p) => `input ${p.message}`).join('\n- ')}`);
  }
  if (settings.agent === 'command') {
    return new CommandRunner({ command: settings.agentCommand ?? '', forwardEnv: settings.agentEnv });
  }
  return new PresetRunner(presetOptions(settings));
}

function presetOptions(settings: AgentSettings) {
  const preset =
    settings.agent === 'codex' && settings.codexSandbox ? codexPreset(settings.codexSandbox) : PRESETS[settings.agent as PresetName];
  return {
    preset,
    version: settings.agentVersion,
    model: settings.model,
    baseUrl: settings.providerBaseUrl?.replace(/\/+$/, ''),
    forwardEnv: settings.agentEnv,
    maxTurns: settings.maxTurns,
    maxBudgetUsd: settings.maxBudgetUsd,
    prices: { ...DEFAULT_PRICES, ...settings.modelPrices },
    cacheDir: settings.cacheDir,
    usePath: settings.usePath,
    log: settings.log,
  };
}

export { AgentConfigError, PresetRunner } from './preset-runner.js';
export { AgentInstallError, defaultAgentCacheDir, resolveAgentBinary } from './install.js';
export type { AgentRunner, AgentRunRequest, AgentRunResult, AgentRunStats, AgentStep, AgentStop } from './runner.js';
export { DEFAULT_PRICES, parseModelPrices, type ModelPrice, type PriceTable } from './prices.js';
export type { AgentPreset, PresetName } from './presets/preset.js';
