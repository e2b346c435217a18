// The environment an agent process gets. The agent runs untrusted text (the goal)
// with shell access, so it sees a short allow-list of the runner's environment and nothing
// else: GitHub puts the workflow token in GITHUB_TOKEN, action inputs (tokens included) in
// INPUT_*, and the runtime/cache/OIDC credentials in ACTIONS_*.

/** Parent variables an agent gets by default: what programs need to run, none of them secret. */
export const BASE_ENV_ALLOW_LIST: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  // Corporate and self-hosted runners install private CAs; without these, HTTPS to the
  // model provider or the research server fails.
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  // Windows cannot start most programs without these.
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
];

/**
 * Set for every agent. CI=true makes agent CLIs and the tools they call (npm, pip, git)
 * skip interactive prompts and spinners, which would otherwise hang or fill the transcript;
 * NO_COLOR keeps ANSI escapes out of the transcript the plan is parsed from.
 */
export const AGENT_ENV_DEFAULTS: Readonly<Record<string, string>> = { CI: 'true', NO_COLOR: '1' };

interface DenyRule {
  matches: (upperName: string) => boolean;
  reason: string;
}

const DENY_RULES: readonly DenyRule[] = [
  {
    matches: (n) => n === 'GITHUB_TOKEN' || n === 'GH_TOKEN' || n === 'GITHUB_PAT',
    reason: 'it is a GitHub token with write access to the repository',
  },
  {
    matches: (n) => n.startsWith('INPUT_'),
    reason: 'GitHub passes action inputs there, including tokens',
  },
  {
    matches: (n) => n.startsWith('ACTIONS_'),
    reason: 'the runner keeps its runtime, cache and OIDC credentials there',
  },
  {
    matches: (n) => ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].includes(n),
    reason: 'writing to that file changes the environment, outputs or summary of later workflow steps',
  },
];

/** Thrown when a variable may not reach an agent; the message says which and why. */
export class AgentEnvError extends Error {
  override name = 'AgentEnvError';
}

/** Why `name` must never reach an agent, or undefined when it may. Case-insensitive (Windows). */
export function deniedEnvReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  return DENY_RULES.find((rule) => rule.matches(upper))?.reason;
}

/** Throws AgentEnvError unless every name may be forwarded to an agent. */
export function assertForwardable(names: readonly string[]): void {
  for (const name of names) {
    checkName(name, 'forward');
  }
}

/**
 * The agent's environment: the allow-listed part of `parent`, the `forward`ed names the
 * user asked for, then `extra` (the runner's own variables, which win). Deny-listed names
 * are refused in `forward` and in `extra` alike, so a wiring mistake fails loudly instead
 * of leaking a token.
 */
export function buildAgentEnv(
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string>,
  forward: readonly string[] = [],
): Record<string, string> {
  assertForwardable(forward);
  const env: Record<string, string> = {};
  const allowed = new Set(BASE_ENV_ALLOW_LIST);
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && allowed.has(name.toUpperCase()) && deniedEnvReason(name) === undefined) {
      env[name] = value;
    }
  }
  Object.assign(env, AGENT_ENV_DEFAULTS);
  for (const name of forward) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    checkName(name, 'set');
    if (value.includes('\0')) throw new AgentEnvError(`agent environment: value of ${name} contains a NUL byte`);
    env[name] = value;
  }
  return env;
}

function checkName(name: string, verb: 'forward' | 'set'): void {
  if (name === '' || name.includes('=') || name.includes('\0')) {
    throw new AgentEnvError(`agent environment: ${JSON.stringify(name)} is not a valid variable name`);
  }
  const reason = deniedEnvReason(name);
  if (reason !== undefined) {
    throw new AgentEnvError(
      `agent environment: refusing to ${verb} ${name} for the agent: ${reason}. ` +
        'The agent runs untrusted issue text with shell access and must hold no secret; ' +
        'remove it from the forwarded variables.',
    );
  }
}
