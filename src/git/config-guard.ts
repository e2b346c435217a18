// The coding agent ran in this checkout and could have edited .git/config. hardeningConfig()
// already switches off hooks, fsmonitor, credential helpers and ext::, but some settings cannot
// be neutralised by overriding one key: URL rewrites, proxies and TLS trust would carry the
// token's request somewhere else. When a token is about to be used and the checkout's own config
// (not the runner's global or system config) sets any of them, we stop instead.

import { PublishError } from './errors.js';
import type { GitRepo } from './repo.js';

const REDIRECTING: readonly RegExp[] = [
  /^url\..+\.(push)?insteadof$/,
  /^http\.(.+\.)?(proxy|sslverify|sslcainfo|sslcapath|curloptresolve)$/,
  /^remote\..+\.(proxy|uploadpack|receivepack|vcs)$/,
  /^core\.(sshcommand|gitproxy|askpass)$/,
  /^protocol\.(.+\.)?allow$/,
];

/** Keys from the repository's local/worktree config (includes followed) that could redirect the token. */
export async function redirectingKeys(repo: GitRepo): Promise<string[]> {
  const out = await repo.run(['config', '--list', '--show-scope', '-z']);
  // -z output: "<scope>\0<key>\n<value>\0" per entry; the value part is absent for bare booleans.
  const fields = out.split('\0');
  const found = new Set<string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const scope = fields[i];
    const key = (fields[i + 1] ?? '').split('\n', 1)[0]!.toLowerCase();
    if ((scope === 'local' || scope === 'worktree') && REDIRECTING.some((pattern) => pattern.test(key))) found.add(key);
  }
  return [...found];
}

export async function assertTokenCannotBeRedirected(repo: GitRepo): Promise<void> {
  const keys = await redirectingKeys(repo);
  if (keys.length === 0) return;
  throw new PublishError(
    'unsafe-config',
    `Refusing to send the token: this checkout's .git/config sets ${keys.join(', ')}, which could send it ` +
      `to another host. Remove ${keys.length === 1 ? 'that setting' : 'those settings'} (git config --local --unset <key>) and re-run wild-plan.`,
  );
}
