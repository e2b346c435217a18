import { randomBytes } from 'node:crypto';
import { evoSweepSection } from './evo-sweep.js';

// The planning template's variables, filled the way the research engine fills them
// (server/agent/v2_prompts.py build_planning_prompt), except that the token is never
// written into the prompt: the agent either reaches the server through a loopback proxy
// that adds it, or reads it from its own environment when it runs curl.

/** How the agent authenticates to the research server. */
export type AuthMode =
  | { kind: 'none' }
  /** The agent's environment holds the token in `envVar`; the prompt names the variable. */
  | { kind: 'env'; envVar: string }
  /** `server_url` is a loopback proxy that adds the token itself. */
  | { kind: 'proxy' };

export interface PromptValuesInput {
  goal: string;
  workdir: string;
  tasksPath: string;
  /** The address the agent uses (the proxy's, when there is one). */
  serverUrl: string;
  sessionId: string;
  /** Sanitised steer text; '' for none. */
  steer: string;
  apiCatalog: string;
  auth: AuthMode;
  /** The server's memory bank, formatted (formatMemories); '' for none. */
  memories?: string;
  evoSweep?: boolean;
}

/** Every variable wild-plan supplies, as the engine does for the newest planning prompt. */
export const OWN_VARIABLES = [
  'goal',
  'workdir',
  'tasks_path',
  'server_url',
  'session_id',
  'steer_section',
  'api_catalog',
  'auth_header',
  'memories',
  'evo_sweep_enabled',
  'evo_sweep_section',
] as const;

export type PlanningPromptValues = Record<(typeof OWN_VARIABLES)[number], string>;

export function isOwnVariable(name: string): boolean {
  return (OWN_VARIABLES as readonly string[]).includes(name);
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The engine's "User Context" block, worded for iteration 0: the engine's own says
 * "injected mid-loop ... then it will be cleared", which is not true of a planning run.
 * Starts with a newline because the template puts it on the line after the goal.
 */
export function buildSteerSection(steer: string): string {
  const text = steer.trim();
  if (text === '') return '';
  return `\n## 🗣️ User Context\n\n${text}\n\n*(Address this context in your plan.)*\n`;
}

/**
 * The curl argument the template places in its sweep/run commands. The variable name is
 * interpolated into shell commands the agent runs, hence the strict check.
 */
export function authHeaderValue(mode: AuthMode): string {
  switch (mode.kind) {
    case 'none':
    case 'proxy':
      return '';
    case 'env':
      if (!SHELL_NAME.test(mode.envVar)) {
        throw new Error(`auth token variable name must be a shell variable name, got ${JSON.stringify(mode.envVar)}`);
      }
      return `-H "X-Auth-Token: $${mode.envVar}"`;
  }
}

export function buildPromptValues(input: PromptValuesInput): PlanningPromptValues {
  return {
    goal: input.goal,
    workdir: input.workdir,
    tasks_path: input.tasksPath,
    // The template appends paths (`{{server_url}}/docs`); a trailing slash would make
    // `//docs`, which the server does not route.
    server_url: input.serverUrl.replace(/\/+$/, ''),
    session_id: input.sessionId,
    steer_section: buildSteerSection(input.steer),
    api_catalog: input.apiCatalog,
    auth_header: authHeaderValue(input.auth),
    memories: input.memories ?? '',
    evo_sweep_enabled: input.evoSweep ? 'true' : 'false',
    evo_sweep_section: evoSweepSection(input.evoSweep ?? false),
  };
}

/**
 * The values one template takes: each variable it declares, from wild-plan's own values or the
 * team's `prompt-variables` (which cannot replace wild-plan's own). Only declared names are
 * passed, since renderPrompt refuses a value the template does not declare (a typo's guard).
 */
export function selectValues(
  declared: readonly string[],
  own: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of declared) {
    const value = Object.hasOwn(own, name) ? own[name] : Object.hasOwn(extra, name) ? extra[name] : undefined;
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  return { values, missing };
}

/** A session id in the engine's shape: `wild-` and 8 lowercase hex digits. */
export function newSessionId(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(4);
  if (bytes.length < 4) throw new Error(`random source returned ${bytes.length} bytes, need 4`);
  return `wild-${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`;
}
