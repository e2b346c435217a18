// The environment every git process of ours gets: a short allow-list of the ambient variables,
// git configuration passed through GIT_CONFIG_COUNT/KEY_n/VALUE_n (command scope, so it wins over
// the repository's config and is never written to disk), and, for fetch/push only, the token.
//
// Why env config and not `-c`: values given with -c show up in the process list (`ps`), env
// values do not. Why not the repo config: the agent ran in this checkout; the token must not be
// left behind for it or for anything that later reads .git/config.

import { devNull } from 'node:os';

export const DEFAULT_SERVER_URL = 'https://github.com';

export interface GitAuth {
  /** A GitHub token allowed to push to the repository (GITHUB_TOKEN or an app token). */
  token: string;
  /**
   * The GitHub server the token belongs to (GITHUB_SERVER_URL). The header is scoped to this
   * origin, never to whatever host the remote URL names: the agent could have rewritten
   * remote.origin.url, and the token must not follow it.
   */
  serverUrl?: string;
}

export type ConfigEntry = readonly [key: string, value: string];

/** Ambient variables git legitimately needs: finding itself, the user's global config, proxies, CAs. */
const PASSED_THROUGH = [
  'PATH',
  'Path',
  'PATHEXT',
  'HOME',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'XDG_CONFIG_HOME',
  'SystemRoot',
  'SYSTEMROOT',
  'ComSpec',
  'TEMP',
  'TMP',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
] as const;

/**
 * Settings that stop the checkout's own config (which the agent could have written) from running
 * programs inside our git processes, where the token sits in the environment: hooks (pre-push,
 * reference-transaction), the fsmonitor, credential helpers, the `ext::` transport.
 */
export function hardeningConfig(): ConfigEntry[] {
  return [
    ['core.hooksPath', devNull],
    ['core.fsmonitor', 'false'],
    // An empty value resets the list of helpers collected from every config file.
    ['credential.helper', ''],
    ['protocol.ext.allow', 'never'],
  ];
}

/** The base64 credential git sends, the same form actions/checkout uses. */
export function basicCredential(token: string): string {
  return Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
}

/** Config that makes git send the token to `serverUrl` and nowhere else. */
export function authConfig(auth: GitAuth): ConfigEntry[] {
  const key = `http.${new URL(auth.serverUrl ?? DEFAULT_SERVER_URL).origin}/.extraheader`;
  return [
    // actions/checkout persists its own header under the same key unless persist-credentials is
    // false; an empty value clears it so GitHub never receives two Authorization headers.
    [key, ''],
    [key, `AUTHORIZATION: basic ${basicCredential(auth.token)}`],
  ];
}

/** Everything that must be masked in logs when `auth` is used: the token and its encoded form. */
export function authSecrets(auth: GitAuth | undefined): string[] {
  if (!auth || auth.token === '') return [];
  return [auth.token, basicCredential(auth.token)];
}

export interface GitEnvOptions {
  /** Adds the token header; give it only to commands that talk to the remote. */
  auth?: GitAuth;
  /** Per-command variables such as GIT_INDEX_FILE or GIT_AUTHOR_NAME. */
  extra?: Record<string, string>;
  /** Where PATH/HOME come from; process.env by default. */
  ambient?: NodeJS.ProcessEnv;
}

/** The complete environment for one git process. Nothing else from the ambient env leaks in. */
export function buildGitEnv(options: GitEnvOptions = {}): Record<string, string> {
  const ambient = options.ambient ?? process.env;
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = ambient[name];
    if (value !== undefined) env[name] = value;
  }
  const config = [...hardeningConfig(), ...(options.auth ? authConfig(options.auth) : [])];
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  env.GIT_TERMINAL_PROMPT = '0';
  // Messages in English whatever the runner's locale, so logs read the same everywhere.
  env.LC_ALL = 'C';
  return { ...env, ...options.extra };
}

/** Removes secrets and any `user:password@` part of a URL from text bound for a log or an error. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***');
  }
  return out;
}
