import path from 'node:path';
import { z } from 'zod';
import { agentSettingsProblems } from './agent/index.js';
import { BUNDLED_PROMPT_PATH } from './assets.js';
import { PLAYBOOK_FILE } from './plan/playbook.js';

/**
 * Every input of the action, read once into one validated object. The action reads them
 * from `INPUT_*`, the CLI from flags; both hand the raw strings to `parseSettings`, keyed
 * by the input names in action.yml (the names are the contract).
 */
export const INPUT_NAMES = [
  'github-token',
  'server-url',
  'server-token',
  'trigger-label',
  'agent',
  'agent-command',
  'agent-version',
  'model',
  'agent-env',
  'agent-base-url',
  'agent-timeout-minutes',
  'tasks-path',
  'prompt-file',
  'preflight-timeout-seconds',
  'dry-run',
  'fail-on-abort',
  'strict-plan',
  'base-branch',
  'draft',
  'repair-rounds',
  'server-proxy',
  'write-plan-files',
] as const;
export type InputName = (typeof INPUT_NAMES)[number];
export type RawInputs = Partial<Record<InputName, string | undefined>>;

export const DEFAULT_TASKS_PATH = '.wild/plans/issue-{number}/tasks.md';
export const AGENT_KINDS = ['command', 'opencode', 'claude-code', 'codex'] as const;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

const text = () => z.preprocess(blankToUndefined, z.string().optional());

const boolean = (fallback: boolean) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return fallback;
        const v = value.toLowerCase();
        if (['true', 'yes', '1', 'on'].includes(v)) return true;
        if (['false', 'no', '0', 'off'].includes(v)) return false;
        ctx.addIssue({ code: 'custom', message: `must be true or false (got "${value}")` });
        return z.NEVER;
      }),
  );

const number = (fallback: number, min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!Number.isFinite(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `must be a number from ${min} to ${max} (got "${value}")` });
          return z.NEVER;
        }
        return n;
      }),
  );

const httpUrl = z.preprocess(
  blankToUndefined,
  z
    .string({ error: 'is required: the base URL of your Wild Loop V2 research server, e.g. https://wild.example.org' })
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    }, 'must be an http(s) URL without credentials, e.g. https://wild.example.org (put the token in `server-token`)')
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
      const names = (value ?? '').split(/[\n,]/).map((name) => name.trim()).filter((name) => name !== '');
      const bad = names.filter((name) => !ENV_NAME.test(name));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `must list environment variable names, one per line or comma-separated (not ${bad.map((b) => JSON.stringify(b)).join(', ')})` });
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
    .refine((value) => {
      if (value === undefined) return true;
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    }, 'must be an http(s) URL without credentials, e.g. https://llm-gateway.example.org/v1 (pass the key through `agent-env`)')
    .transform((value) => value?.replace(/\/+$/, '')),
);

const InputsSchema = z.object({
  'github-token': text(),
  'server-url': httpUrl,
  'server-token': text(),
  'trigger-label': z.preprocess(blankToUndefined, z.string().default('wild-plan')),
  agent: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(AGENT_KINDS, { error: `must be one of: ${AGENT_KINDS.join(', ')}` }).default('command'),
  ),
  'agent-command': text(),
  'agent-version': text(),
  model: text(),
  'agent-env': envNames,
  'agent-base-url': optionalHttpUrl,
  'agent-timeout-minutes': number(20, 0.05, 360),
  'tasks-path': z.preprocess(blankToUndefined, z.string().default(DEFAULT_TASKS_PATH)),
  'prompt-file': text(),
  'preflight-timeout-seconds': number(10, 1, 300),
  'dry-run': boolean(false),
  'fail-on-abort': boolean(true),
  'strict-plan': boolean(false),
  'base-branch': text(),
  draft: boolean(false),
  'repair-rounds': number(1, 0, 3),
  'server-proxy': boolean(true),
  'write-plan-files': boolean(false),
});

export interface Settings {
  githubToken?: string;
  /** Base URL of the research server, without a trailing slash. */
  serverUrl: string;
  /** Sent as X-Auth-Token; never rendered into the prompt. */
  serverToken?: string;
  triggerLabel: string;
  agent: (typeof AGENT_KINDS)[number];
  agentCommand?: string;
  /** Exact version of the agent CLI; undefined: the version wild-plan pins for it. */
  agentVersion?: string;
  /** The model, in the agent CLI's own naming; undefined: the CLI's default. */
  model?: string;
  /** Runner variables the agent gets on top of its allow-list (its API key); never a token. */
  agentEnv: string[];
  /** Base URL of the model provider or a gateway in front of it. */
  agentBaseUrl?: string;
  agentTimeoutMs: number;
  /**
   * Template with `{number}`, relative to the workspace, '/'-separated: already checked to stay
   * inside it, out of .git and .github, and to name a Markdown file (see tasksPathProblem).
   */
  tasksPathTemplate: string;
  /** Absolute path of the planning prompt (SKILL.md). */
  promptFile: string;
  preflightTimeoutMs: number;
  dryRun: boolean;
  failOnAbort: boolean;
  strictPlan: boolean;
  baseBranch?: string;
  draft: boolean;
  /** Extra agent runs that ask for a corrected plan when the plan breaks the contract. */
  repairRounds: number;
  /**
   * The agent reaches the server through a loopback proxy that adds the token, so it never
   * holds the token and the prompt's header-less preflight lines work.
   */
  serverProxy: boolean;
  /** Write the two plan files into the checkout too (the agent never touches it; see main.ts). */
  writePlanFiles: boolean;
  /** Absolute path of the checked-out repository the agent works in. */
  workspace: string;
}

/** Reads the raw inputs into Settings, or throws a SettingsError naming each bad input. */
export function parseSettings(raw: RawInputs, workspace: string): Settings {
  const parsed = InputsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `- input \`${String(issue.path[0] ?? '?')}\` ${issue.message}`);
    throw new SettingsError(`Invalid inputs:\n${lines.join('\n')}`);
  }
  const inputs = parsed.data;
  const root = path.resolve(workspace);
  const settings: Settings = {
    githubToken: inputs['github-token'],
    serverUrl: inputs['server-url'],
    serverToken: inputs['server-token'],
    triggerLabel: inputs['trigger-label'],
    agent: inputs.agent,
    agentCommand: inputs['agent-command'],
    agentVersion: inputs['agent-version'],
    model: inputs.model,
    agentEnv: inputs['agent-env'],
    agentBaseUrl: inputs['agent-base-url'],
    agentTimeoutMs: inputs['agent-timeout-minutes'] * 60_000,
    tasksPathTemplate: workspaceRelative(inputs['tasks-path']),
    promptFile: inputs['prompt-file'] ? path.resolve(root, inputs['prompt-file']) : BUNDLED_PROMPT_PATH,
    preflightTimeoutMs: inputs['preflight-timeout-seconds'] * 1000,
    dryRun: inputs['dry-run'],
    failOnAbort: inputs['fail-on-abort'],
    strictPlan: inputs['strict-plan'],
    baseBranch: inputs['base-branch'],
    draft: inputs.draft,
    repairRounds: Math.floor(inputs['repair-rounds']),
    serverProxy: inputs['server-proxy'],
    writePlanFiles: inputs['write-plan-files'],
    workspace: root,
  };
  const agentProblems = agentSettingsProblems(agentSettingsOf(settings));
  if (agentProblems.length > 0) {
    throw new SettingsError(`Invalid inputs:\n${agentProblems.map((problem) => `- ${problem}`).join('\n')}`);
  }
  return settings;
}

// Control and invisible format characters: they break git's line-based plumbing, and a
// zero-width character can hide `.git` from a case-folding file system (CVE-2014-9390).
const CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/**
 * The tasks path must name a Markdown file of its own inside the workspace, relative to it.
 * wild-plan commits whatever lands there, so a path into git's directory, the workflows, a git
 * file (.gitattributes, .gitmodules) or a non-Markdown file (.yml, .sh) is refused before
 * anything runs. Returns the template '/'-separated, without `.` segments.
 */
function workspaceRelative(tasksPath: string): string {
  const problem = tasksPathProblem(tasksPath);
  if (problem !== null) {
    throw new SettingsError(`Invalid inputs:\n- input \`tasks-path\` ${JSON.stringify(tasksPath)} ${problem}, e.g. ${DEFAULT_TASKS_PATH}`);
  }
  return tasksPath.split('/').filter((segment) => segment !== '.').join('/');
}

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
  if (name === PLAYBOOK_FILE) return `must not be named ${PLAYBOOK_FILE}: wild-plan writes the playbook beside the tasks file under that name`;
  return null;
}

/** The tasks path for one issue, relative to the workspace (`{number}` filled in). */
export function tasksPathFor(settings: Pick<Settings, 'tasksPathTemplate'>, issueNumber: number | undefined): string {
  return settings.tasksPathTemplate.replaceAll('{number}', issueNumber === undefined ? 'local' : String(issueNumber));
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
  };
}
