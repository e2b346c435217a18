// Turns what an agent CLI said when it failed into one sentence a maintainer can act on.
// Each CLI words the same failure its own way ("Unable to connect", "error sending
// request", "ECONNREFUSED"), so the known kinds are matched here, newest error first.
import { oneLine } from '../../text/one-line.js';
import type { StreamError } from './common.js';

export type FailureKind = 'refused' | 'dns' | 'unreachable' | 'auth' | 'no-key' | 'model' | 'other';

export interface ExplainedFailure {
  kind: FailureKind;
  message: string;
  /** The endpoint the message names. */
  endpoint: string;
}

interface Rule {
  kind: FailureKind;
  pattern: RegExp;
  say: (endpoint: string, match: RegExpMatchArray) => string;
}

const RULES: readonly Rule[] = [
  {
    kind: 'no-key',
    pattern: /Missing environment variable:?\s*`?([A-Za-z_][A-Za-z0-9_]*)`?/,
    say: (_, m) => `the agent needs ${m[1]} for the model provider: list it in \`agent-env\` and set it from a secret`,
  },
  {
    kind: 'no-key',
    pattern: /Not logged in|Please run \/login/i,
    say: () =>
      'Claude Code found no credentials: list ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN) in `agent-env` and set it from a secret',
  },
  {
    kind: 'auth',
    pattern: /\b401\b|\b403\b|unauthori[sz]ed|authentication_error|invalid[ _-]?(x-)?api[ _-]?key|incorrect api key/i,
    say: (endpoint) => `the model endpoint at ${endpoint} rejected the credentials; check the API key variable listed in \`agent-env\``,
  },
  {
    kind: 'refused',
    pattern: /ECONNREFUSED|connection refused/i,
    say: (endpoint) => `the model endpoint at ${endpoint} is unreachable (connection refused)`,
  },
  {
    kind: 'dns',
    pattern: /ENOTFOUND|EAI_AGAIN|dns error|failed to lookup address|getaddrinfo|name or service not known/i,
    say: (endpoint) => `the model endpoint at ${endpoint} is unreachable (host not found)`,
  },
  {
    kind: 'unreachable',
    pattern:
      /unable to connect|cannot connect to api|error sending request|connection failed|connection_failed|connection error|ECONNRESET|ETIMEDOUT|network is unreachable|EHOSTUNREACH/i,
    say: (endpoint) => `the model endpoint at ${endpoint} is unreachable (connection failed)`,
  },
  {
    kind: 'model',
    pattern: /model_not_found|model .*(does not exist|not found)|unknown model|ProviderModelNotFound/i,
    say: (endpoint) => `the model endpoint at ${endpoint} does not serve the requested model; check the \`model\` input`,
  },
];

export interface Endpoints {
  /** The base URL the agent was pointed at (`agent-base-url`), if any: named first. */
  configured?: string;
  /** Where the CLI goes by default, named when neither the settings nor the error say. */
  fallback: string;
}

/** The clearest explanation of `errors` (newest first), or undefined when there are none. */
export function explainErrors(errors: readonly StreamError[], endpoints: Endpoints): ExplainedFailure | undefined {
  for (let i = errors.length - 1; i >= 0; i--) {
    const error = errors[i]!;
    const endpoint = endpoints.configured ?? (error.url ? originOf(error.url) : endpoints.fallback);
    for (const rule of RULES) {
      const match = error.message.match(rule.pattern);
      if (match) return { kind: rule.kind, message: rule.say(endpoint, match), endpoint };
    }
  }
  const last = errors[errors.length - 1];
  if (!last) return undefined;
  const endpoint = endpoints.configured ?? endpoints.fallback;
  return { kind: 'other', message: `the agent reported: ${oneLine(last.message, 400)}`, endpoint };
}

/** `http://host:port/v1/chat/completions` → `http://host:port`: the part a person configures. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
