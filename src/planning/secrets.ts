// What must never reach a file we write, a comment, the summary or the log, whatever the agent
// printed. redactSecrets also covers their base64 forms and token-shaped strings.
import { runnerCredentials } from '../security/runner-secrets.js';
import type { Settings } from '../settings.js';

/** Values of `agent-env` shorter than this are not treated as secrets (no key is that short). */
const MIN_FORWARDED_SECRET_LENGTH = 8;

/**
 * Both tokens, the values of the variables `agent-env` forwards to the agent (its provider's
 * key), and whatever the runner holds that is named like a credential (ACTIONS_RUNTIME_TOKEN,
 * an `env:` secret of the step): defence in depth behind the sandbox, which keeps them from the agent.
 */
export function knownSecrets(
  settings: Pick<Settings, 'serverToken' | 'githubToken' | 'agentEnv'>,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const forwarded = settings.agentEnv.map((name) => env[name] ?? '').filter((value) => value.trim().length >= MIN_FORWARDED_SECRET_LENGTH);
  const all = [settings.serverToken, settings.githubToken, ...forwarded, ...runnerCredentials(env)];
  return [...new Set(all.filter((secret): secret is string => Boolean(secret)))];
}
