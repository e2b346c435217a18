import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { agentSettingsProblems } from './agent/index.js';
import { parseModelPrices } from './agent/prices.js';
import { PLAYBOOK_FILE } from './plan/playbook.js';
import { isOwnVariable } from './prompt/variables.js';
import { isHttpUrlWithoutCredentials } from './text/url.js';

/**
 * Every input of the action, read once into one validated object. The action reads them
 * from `INPUT_*`, the CLI from flags; both hand the raw strings to `parseSettings`, keyed
 * by the input names in action.yml (the names are the contract).
 *
 * `INPUTS` below is the one list: each input name with the Settings field it fills and the
 * schema that reads it. INPUT_NAMES, the zod object, the Settings type and the mapping from
 * inputs to Settings are all derived from it, so adding an input is one line here (plus
 * action.yml and the README, which test/unit/action-yml.test.ts keeps in step).
 */

export const DEFAULT_TASKS_PATH = '.wild/plans/issue-{number}/tasks.md';
export const AGENT_KINDS = ['command', 'opencode', 'claude-code', 'codex'] as const;

/**
 * What is wrong with one input, as a sentence that names inputs in backticks: `name`, or
 * `name: value` for a setting. Each caller says them in its own terms: the action as inputs
 * ("input `server-url` must be…"), the CLI as flags ("--server-url must be…").
 */
export interface InputProblem {
  /** The input it is about (action.yml's name). */
  input: string;
  /** Starts with that input's name in backticks, e.g. "`server-url` must be an http(s) URL…". */
  message: string;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
  /** Each bad input on its own (empty when the error came as one sentence). */
  readonly problems: readonly InputProblem[];
  constructor(problems: string | readonly InputProblem[]) {
    super(typeof problems === 'string' ? problems : `Invalid inputs:\n${problems.map((p) => `- input ${p.message}`).join('\n')}`);
    this.problems = typeof problems === 'string' ? [] : problems;
  }
}

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

const text = () => z.preprocess(blankToUndefined, z.string().optional());

/** An optional input read as a T: blank gives the fallback; a value `read` refuses is an issue saying what is accepted. */
const scalar = <T>(fallback: T, read: (value: string) => T | undefined, accepts: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return fallback;
        const parsed = read(value);
        if (parsed !== undefined) return parsed;
        ctx.addIssue({ code: 'custom', message: `must be ${accepts} (got "${value}")` });
        return z.NEVER;
      }),
  );

const TRUE = ['true', 'yes', '1', 'on'];
const FALSE = ['false', 'no', '0', 'off'];
/** The schemas `boolean` made: the CLI turns those inputs into on/off flags (isBooleanInput). */
const BOOLEAN_SCHEMAS = new WeakSet<z.ZodType>();
const boolean = (fallback: boolean) => {
  const schema = scalar(
    fallback,
    (value) => (TRUE.includes(value.toLowerCase()) ? true : FALSE.includes(value.toLowerCase()) ? false : undefined),
    'true or false',
  );
  BOOLEAN_SCHEMAS.add(schema);
  return schema;
};

const number = (fallback: number, min: number, max: number) =>
  scalar(
    fallback,
    (value) => {
      const n = Number(value);
      return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
    },
    `a number from ${min} to ${max}`,
  );

const httpUrl = z.preprocess(
  blankToUndefined,
  z
    .string({ error: 'is required: the base URL of your Wild Loop V2 research server, e.g. https://wild.example.org' })
    .refine(
      isHttpUrlWithoutCredentials,
      'must be an http(s) URL without credentials, e.g. https://wild.example.org (put the token in `server-token`)',
    )
    .transform((value) => value.replace(/\/+$/, '')),
);

/** `agent-env`: variable names, one per line or comma-separated. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envNames = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const names = (value ?? '')
        .split(/[\n,]/)
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const bad = names.filter((name) => !ENV_NAME.test(name));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must list environment variable names, one per line or comma-separated (not ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
        });
        return z.NEVER;
      }
      return [...new Set(names)];
    }),
);

const optionalHttpUrl = z.preprocess(
  blankToUndefined,
  z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || isHttpUrlWithoutCredentials(value),
      'must be an http(s) URL without credentials, e.g. https://llm-gateway.example.org/v1 (pass the key through `agent-env`)',
    )
    .transform((value) => value?.replace(/\/+$/, '')),
);

/**
 * `tasks-path`: a Markdown file of its own inside the workspace, relative to it. wild-plan
 * commits whatever lands there, so a path into git's directory, the workflows, a git file
 * (.gitattributes, .gitmodules) or a non-Markdown file (.yml, .sh) is refused before anything
 * runs. Reads into the template '/'-separated, without `.` segments.
 */
const tasksPath = z.preprocess(blankToUndefined, z.string().default(DEFAULT_TASKS_PATH)).transform((value, ctx) => {
  const problem = tasksPathProblem(value);
  if (problem !== null) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} ${problem}, e.g. ${DEFAULT_TASKS_PATH}` });
    return z.NEVER;
  }
  return value
    .split('/')
    .filter((segment) => segment !== '.')
    .join('/');
});

/** Which planning prompt runs: the server's live skill when it can (auto), only it, the bundled one, or a file. */
export type PromptChoice = { kind: 'auto' | 'server' | 'bundled' } | { kind: 'file'; path: string; given: string };
const PROMPT_KINDS = ['auto', 'server', 'bundled'] as const;
const prompt = (workspace: string) =>
  text().transform((value): PromptChoice | undefined => {
    if (value === undefined) return undefined;
    const kind = PROMPT_KINDS.find((k) => k === value.toLowerCase());
    return kind ? { kind } : { kind: 'file', path: path.resolve(workspace, value), given: value };
  });

/** `prompt-file` (kept from before `prompt`): a path, resolved against the workspace. */
const promptFile = (workspace: string) => text().transform((file) => (file ? path.resolve(workspace, file) : undefined));

/** `prompt-variables`: a YAML map of string values for variables a team's prompt declares and wild-plan does not know. */
const promptVariables = text().transform((value, ctx): Record<string, string> => {
  if (value === undefined) return {};
  const problem = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const doc = parseDocument(value, { uniqueKeys: true });
  if (doc.errors.length > 0) return problem(`must be a YAML map of names to values: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`);
  const data: unknown = doc.toJS();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return problem('must be a YAML map of names to values, e.g. "lab_name: vision" on its own line');
  }
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(data as Record<string, unknown>)) {
    if (!ENV_NAME.test(name)) return problem(`${JSON.stringify(name)} is not a variable name (letters, digits, underscores)`);
    if (isOwnVariable(name)) return problem(`sets "${name}", which wild-plan supplies itself; remove it`);
    if (typeof raw !== 'string') return problem(`"${name}" must be a string: quote it ("${name}: '${String(raw)}'")`);
    out[name] = raw;
  }
  return out;
});

/** How one input is read: the Settings field it fills, and its schema (some need the workspace). */
interface InputSpec {
  readonly key: string;
  readonly schema: z.ZodType | ((workspace: string) => z.ZodType);
}

/** The inputs: action.yml's names (the contract), in action.yml's order. */
const INPUTS = {
  'github-token': { key: 'githubToken', schema: text() },
  /** Base URL of the research server, without a trailing slash. */
  'server-url': { key: 'serverUrl', schema: httpUrl },
  /** Sent as X-Auth-Token; never rendered into the prompt. */
  'server-token': { key: 'serverToken', schema: text() },
  'trigger-label': { key: 'triggerLabel', schema: z.preprocess(blankToUndefined, z.string().default('wild-plan')) },
  agent: {
    key: 'agent',
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
      z.enum(AGENT_KINDS, { error: `must be one of: ${AGENT_KINDS.join(', ')}` }).default('command'),
    ),
  },
  'agent-command': { key: 'agentCommand', schema: text() },
  /** Exact version of the agent CLI; undefined: the version wild-plan pins for it. */
  'agent-version': { key: 'agentVersion', schema: text() },
  /** The model, in the agent CLI's own naming; undefined: the CLI's default. */
  model: { key: 'model', schema: text() },
  /** Runner variables the agent gets on top of its allow-list (its API key); never a token. */
  'agent-env': { key: 'agentEnv', schema: envNames },
  /** Base URL of the model provider or a gateway in front of it. */
  'agent-base-url': { key: 'agentBaseUrl', schema: optionalHttpUrl },
  /** Read in minutes, kept in milliseconds. */
  'agent-timeout-minutes': { key: 'agentTimeoutMs', schema: number(20, 0.05, 360).transform((minutes) => minutes * 60_000) },
  /** The most model turns an agent run may take (the preset's own flag, or counted by wild-plan); undefined: no cap. */
  'max-turns': {
    key: 'maxTurns',
    schema: scalar<number | undefined>(
      undefined,
      (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 1000 ? +v : undefined),
      'a whole number from 1 to 1000',
    ),
  },
  /** The most an agent run may spend in US dollars (Claude Code's --max-budget-usd); undefined: no cap. */
  'max-budget-usd': {
    key: 'maxBudgetUsd',
    schema: scalar<number | undefined>(
      undefined,
      (v) => (/^\d+(\.\d+)?$/.test(v) && +v > 0 && +v <= 10_000 ? +v : undefined),
      'a number of US dollars above 0, e.g. 2.50',
    ),
  },
  /** USD per million tokens by model, `model=input/output` per line: added to and overriding prices.ts's table. */
  'model-prices': {
    key: 'modelPrices',
    schema: text().transform((value, ctx) => {
      if (value === undefined) return undefined;
      const read = parseModelPrices(value);
      if ('prices' in read) return read.prices;
      ctx.addIssue({ code: 'custom', message: read.problem });
      return z.NEVER;
    }),
  },
  /**
   * Template with `{number}`, relative to the workspace, '/'-separated: already checked to stay
   * inside it, out of .git and .github, and to name a Markdown file (see tasksPathProblem).
   */
  'tasks-path': { key: 'tasksPathTemplate', schema: tasksPath },
  /** Which planning prompt: auto (the server's own when wild-plan can render it), server, bundled, or a path. */
  prompt: { key: 'prompt', schema: prompt },
  /** Absolute path of a planning prompt (SKILL.md); the older name for `prompt: <path>`. */
  'prompt-file': { key: 'promptFile', schema: promptFile },
  /** Fills the prompt's evo_sweep_enabled / evo_sweep_section as the server does. */
  'evo-sweep': { key: 'evoSweep', schema: boolean(false) },
  /** Values for variables a team's prompt declares that wild-plan does not supply. */
  'prompt-variables': { key: 'promptVariables', schema: promptVariables },
  /** Read in seconds, kept in milliseconds. */
  'preflight-timeout-seconds': { key: 'preflightTimeoutMs', schema: number(10, 1, 300).transform((seconds) => seconds * 1000) },
  'dry-run': { key: 'dryRun', schema: boolean(false) },
  'fail-on-abort': { key: 'failOnAbort', schema: boolean(true) },
  'strict-plan': { key: 'strictPlan', schema: boolean(false) },
  'base-branch': { key: 'baseBranch', schema: text() },
  draft: { key: 'draft', schema: boolean(false) },
  /** Extra agent runs that ask for a corrected plan when the plan breaks the contract. */
  'repair-rounds': { key: 'repairRounds', schema: number(1, 0, 3).transform((rounds) => Math.floor(rounds)) },
  /**
   * The agent reaches the server through a loopback proxy that adds the token, so it never
   * holds the token and the prompt's header-less preflight lines work.
   */
  'server-proxy': { key: 'serverProxy', schema: boolean(true) },
  /** Merging the plan PR starts the research loop with the reviewed plan (as `/wild-plan run` does). */
  'run-on-merge': { key: 'runOnMerge', schema: boolean(false) },
  /** The loop's iteration budget, sent as `max_iterations` to /wild/v2/start (the server's own default is 25). */
  'max-iterations': { key: 'maxIterations', schema: number(25, 1, 1000).transform((n) => Math.floor(n)) },
  /** An issue edited after planning is re-planned at once, instead of its plan being marked stale. */
  'replan-on-edit': { key: 'replanOnEdit', schema: boolean(false) },
  /** Write the two plan files into the checkout too (the agent never touches it). */
  'write-plan-files': { key: 'writePlanFiles', schema: boolean(false) },
} as const satisfies Record<string, InputSpec>;

type Inputs = typeof INPUTS;
export type InputName = keyof Inputs;
export type RawInputs = Partial<Record<InputName, string | undefined>>;
export const INPUT_NAMES = Object.keys(INPUTS) as readonly InputName[];

/** Whether the input is read as true or false (the CLI gives it as a flag without a value). */
export function isBooleanInput(name: InputName): boolean {
  const schema: InputSpec['schema'] = INPUTS[name].schema;
  return typeof schema !== 'function' && BOOLEAN_SCHEMAS.has(schema);
}

type SchemaOf<S> = S extends (workspace: string) => infer Z ? Z : S;
/** Each input's parsed value under its Settings field name. */
type Read = { -readonly [N in InputName as Inputs[N]['key']]: z.output<SchemaOf<Inputs[N]['schema']>> };
/** Fields that may be undefined become optional (`githubToken?: string`). */
type UnsetKeys<T> = { [K in keyof T]: undefined extends T[K] ? K : never }[keyof T];
type WithOptional<T> = { [K in Exclude<keyof T, UnsetKeys<T>>]: T[K] } & { [K in UnsetKeys<T>]?: Exclude<T[K], undefined> };

export interface Settings extends WithOptional<Read> {
  /** Absolute path of the checked-out repository the agent works in. */
  workspace: string;
}

/** The zod object over every input, keyed by input name (so an issue's path names the input). */
function inputsSchema(workspace: string) {
  const spec = (name: InputName): z.ZodType => {
    const schema: InputSpec['schema'] = INPUTS[name].schema;
    return typeof schema === 'function' ? schema(workspace) : schema;
  };
  return z.object(Object.fromEntries(INPUT_NAMES.map((name) => [name, spec(name)])) as Record<InputName, z.ZodType>);
}

/** Reads the raw inputs into Settings, or throws a SettingsError naming each bad input. */
export function parseSettings(raw: RawInputs, workspace: string): Settings {
  const root = path.resolve(workspace);
  const parsed = inputsSchema(root).safeParse(raw);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((issue) => {
        const input = String(issue.path[0] ?? '?');
        return { input, message: `\`${input}\` ${issue.message}` };
      }),
    );
  }
  const inputs = parsed.data;
  const read = Object.fromEntries(INPUT_NAMES.map((name) => [INPUTS[name].key, inputs[name]])) as Read;
  const settings: Settings = { ...read, workspace: root };
  const agentProblems = agentSettingsProblems(agentSettingsOf(settings));
  if (agentProblems.length > 0) throw new SettingsError(agentProblems);
  return settings;
}

// Control and invisible format characters: they break git's line-based plumbing, and a
// zero-width character can hide `.git` from a case-folding file system (CVE-2014-9390).
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** Why the tasks path is refused (one line, without the example), or null when it is fine. */
function tasksPathProblem(tasksPath: string): string | null {
  if (CONTROL_OR_INVISIBLE.test(tasksPath)) return 'contains a control or invisible character';
  if (tasksPath.includes('\\')) return 'uses "\\"; separate folders with "/"';
  if (path.posix.isAbsolute(tasksPath) || /^[a-zA-Z]:/.test(tasksPath)) return 'is absolute; give it relative to the workspace';
  const segments = tasksPath.split('/');
  if (segments.includes('')) return 'has an empty segment (a trailing or doubled "/")';
  if (segments.includes('..')) return 'must stay inside the workspace (no ".." segments)';
  // Case-insensitively: on macOS and Windows checkouts `.GIT` is git's own directory.
  const folded = segments.map((segment) => segment.toLowerCase());
  if (folded.includes('.git')) return "points into .git, git's own directory; choose a folder of your own";
  if (folded.includes('.github')) return 'points into .github, where workflows and repository settings live; choose a folder of your own';
  const name = folded.at(-1) ?? '';
  if (name === '.') return 'must name a file';
  if (name.startsWith('.git')) return 'names a git file (.gitattributes, .gitignore, .gitmodules...); the plan needs a file of its own';
  if (!name.endsWith('.md')) return 'must name a Markdown file ending in .md (the plan is Markdown)';
  if (name === PLAYBOOK_FILE)
    return `must not be named ${PLAYBOOK_FILE}: wild-plan writes the playbook beside the tasks file under that name`;
  return null;
}

/** The tasks path for one issue, relative to the workspace (`{number}` filled in). */
export function tasksPathFor(settings: Pick<Settings, 'tasksPathTemplate'>, issueNumber: number | undefined): string {
  return settings.tasksPathTemplate.replaceAll('{number}', issueNumber === undefined ? 'local' : String(issueNumber));
}

/** How wild-plan's own requests reach the research server: its URL, its token, each request's time limit. */
export function serverClientOf(settings: Pick<Settings, 'serverUrl' | 'serverToken' | 'preflightTimeoutMs'>) {
  return { serverUrl: settings.serverUrl, token: settings.serverToken, timeoutMs: settings.preflightTimeoutMs };
}

/** The agent's part of the settings, as the agent runners take it. */
export function agentSettingsOf(settings: Settings) {
  return {
    agent: settings.agent,
    agentCommand: settings.agentCommand,
    agentVersion: settings.agentVersion,
    model: settings.model,
    agentEnv: settings.agentEnv,
    providerBaseUrl: settings.agentBaseUrl,
    maxTurns: settings.maxTurns,
    maxBudgetUsd: settings.maxBudgetUsd,
    modelPrices: settings.modelPrices,
  };
}
