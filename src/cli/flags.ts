// The action's inputs as command-line flags, named exactly as in action.yml: `--agent codex`
// is `agent: codex`. The table is derived from the settings' input list, so an input added
// there is a flag here without a change; only inputs that mean nothing on a laptop are left
// out. Errors are said back in the same terms: `--server-url`, never "input `server-url`".
import path from 'node:path';
import { INPUT_NAMES, isBooleanInput, type InputName, type InputProblem, type RawInputs, type SettingsError } from '../settings.js';
import type { CliIo } from './io.js';

/** Inputs about GitHub (token, trigger label, pull request, the job's checkout and failure policy): no flag. */
const ACTION_ONLY: ReadonlySet<string> = new Set([
  'github-token',
  'trigger-label',
  'dry-run',
  'draft',
  'base-branch',
  'fail-on-abort',
  'write-plan-files',
  'replan-on-edit',
  'run-on-merge',
  'max-iterations',
]);

/** The inputs the CLI takes as flags, in action.yml's order. */
export const LOCAL_INPUTS: readonly InputName[] = INPUT_NAMES.filter((name) => !ACTION_ONLY.has(name));

/** Inputs whose values add up when the flag is repeated (one per line, as the action reads them). */
const REPEATABLE: ReadonlySet<string> = new Set(['agent-env', 'prompt-variables']);

/** `server-proxy` is on unless turned off, and `--no-proxy` is its flag since the CLI's first release. */
const NO_PROXY = 'no-proxy';

/** Read from the environment when the flag is not given: keeps the token out of argv. */
const ENV_FALLBACK: Partial<Record<string, string>> = { 'server-url': 'WILD_SERVER_URL', 'server-token': 'WILD_SERVER_TOKEN' };

/** A path given on the command line means a path from where you are, not from --workdir. */
const FROM_CWD: Partial<Record<string, (value: string) => boolean>> = {
  'prompt-file': () => true,
  // `prompt` also takes auto, server or bundled: only something that looks like a path is one.
  prompt: (value) => /[/.]/.test(value),
};

type FlagSpec = { type: 'string' | 'boolean'; multiple?: boolean };

/** parseArgs options for every local input (boolean inputs also as `--no-NAME`). */
export function inputOptions(): Record<string, FlagSpec> {
  const options: Record<string, FlagSpec> = { [NO_PROXY]: { type: 'boolean' } };
  for (const name of LOCAL_INPUTS) {
    if (isBooleanInput(name)) {
      options[name] = { type: 'boolean' };
      options[`no-${name}`] = { type: 'boolean' };
    } else {
      options[name] = REPEATABLE.has(name) ? { type: 'string', multiple: true } : { type: 'string' };
    }
  }
  return options;
}

type Values = Record<string, string | boolean | string[] | undefined>;

/** The raw inputs the flags (and WILD_SERVER_URL / WILD_SERVER_TOKEN) give, for parseSettings. */
export function inputsFromFlags(values: Values, io: Pick<CliIo, 'cwd' | 'env'>): RawInputs {
  const raw: RawInputs = {};
  for (const name of LOCAL_INPUTS) {
    const value = values[name];
    if (Array.isArray(value)) raw[name] = value.join('\n');
    else if (typeof value === 'string') raw[name] = FROM_CWD[name]?.(value) ? path.resolve(io.cwd, value) : value;
    else if (value === true) raw[name] = 'true';
    if (values[`no-${name}`] === true) raw[name] = 'false';
    const fallback = ENV_FALLBACK[name];
    if (raw[name] === undefined && fallback !== undefined) raw[name] = io.env[fallback];
  }
  if (values[NO_PROXY] === true) raw['server-proxy'] = 'false';
  return raw;
}

/** The flag that sets an input. */
export function flagOf(input: string): string {
  return input === 'server-proxy' ? `--${NO_PROXY}` : `--${input}`;
}

/**
 * A sentence about inputs, in flags: (input) `server-url` → --server-url, `agent: codex` → --agent codex.
 * Backticked words that are not input names (`command`, file names) stay as they are.
 */
export function inFlagTerms(text: string): string {
  return text.replace(/(?:\binput )?`([a-z][a-z0-9-]*)(?::\s*([^`]*))?`/g, (whole, name: string, value: string | undefined) => {
    if (!(INPUT_NAMES as readonly string[]).includes(name)) return whole;
    if (name === 'server-proxy') return `--${NO_PROXY}`;
    return value === undefined ? flagOf(name) : `${flagOf(name)} ${value}`;
  });
}

/** A SettingsError as the CLI says it: one line per bad flag. */
export function describeSettingsError(error: SettingsError): string {
  if (error.problems.length === 0) return inFlagTerms(error.message);
  return `invalid options:\n${error.problems.map((problem: InputProblem) => `  ${inFlagTerms(problem.message)}`).join('\n')}`;
}

/** What each flag does, for --help; an input added later without a line here still gets one. */
const HELP: Partial<Record<string, string>> = {
  'server-url': "the research server's base URL (or $WILD_SERVER_URL)",
  'server-token': 'its X-Auth-Token; prefer $WILD_SERVER_TOKEN (argv is visible to other users)',
  agent: 'opencode, claude-code, codex (installed at their pinned versions on first use) or command',
  'agent-command':
    'with --agent command (the default): the program that runs your agent; it gets the prompt on stdin and in $WILD_PROMPT_FILE',
  'agent-version': 'exact version of the agent CLI (default: the version wild-plan pins)',
  model: "the model, in the agent CLI's own naming (provider/model for opencode)",
  'agent-env': 'names of environment variables the agent gets, e.g. ANTHROPIC_API_KEY (repeatable, or comma-separated)',
  'agent-base-url': "the model provider's base URL, for a gateway or a local model server",
  'agent-timeout-minutes': 'time limit for the agent (default 20)',
  'tasks-path': 'where the plan goes, inside --workdir (default .wild/plans/issue-{number}/tasks.md; {number} is "local" for --goal)',
  prompt: 'the planning prompt: auto (default), server, bundled, or a SKILL.md file of your own',
  'prompt-file': 'a planning prompt (SKILL.md) of your own; older name for --prompt FILE',
  'preflight-timeout-seconds': 'time limit for each preflight request (default 10)',
  'strict-plan': 'contract errors make the run invalid (exit 3)',
  'repair-rounds': 'times the agent is asked to correct a plan that breaks the contract (default 1)',
  'server-proxy': 'let the agent call the server directly, the token in $WILD_AUTH_TOKEN (default: through a loopback proxy that adds it)',
};

/** The help lines for the input flags, aligned like the command's own. */
export function inputFlagsHelp(width: number): string[] {
  return LOCAL_INPUTS.map((name) => {
    const flag = name === 'server-proxy' ? `--${NO_PROXY}` : isBooleanInput(name) ? `--${name}` : `--${name} ${valueName(name)}`;
    const text =
      HELP[name] ?? `the action's \`${name}\` input (README, "Inputs")${isBooleanInput(name) ? '; --no-' + name + ' turns it off' : ''}`;
    return `  ${flag.padEnd(width)} ${text}`;
  });
}

function valueName(name: string): string {
  if (name.endsWith('-url')) return 'URL';
  if (/-(minutes|seconds|rounds)$/.test(name) || name.startsWith('max-')) return 'N';
  if (name.endsWith('-file') || name.endsWith('-path')) return 'PATH';
  const named: Partial<Record<string, string>> = {
    agent: 'NAME',
    'agent-env': 'NAME',
    'agent-command': 'CMD',
    'agent-version': 'VERSION',
    model: 'MODEL',
    'server-token': 'TOKEN',
    prompt: 'WHICH',
  };
  if (named[name]) return named[name];
  return 'VALUE';
}
