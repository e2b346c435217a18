// Credentials that an earlier step left in the checkout, where the agent can read them.
// actions/checkout persists the workflow token in .git/config (`http.<origin>.extraheader`,
// and in each submodule's config) unless `persist-credentials: false`; v6 moved it to a file
// pulled in with `includeIf`. The agent reads .git whether or not it runs as another user,
// so a token there is a token handed to untrusted text. wild-plan itself never needs it:
// it pushes with the token in its git processes' environment (src/git/auth.ts).
import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { redactSecrets } from '../security/redact.js';

export interface PersistedCredential {
  /** The config file, relative to the workspace. */
  file: string;
  key: string;
  why: string;
}

/** Every persisted credential in the workspace's git configuration; [] when none. */
export async function findPersistedCredentials(workspace: string): Promise<PersistedCredential[]> {
  const found: PersistedCredential[] = [];
  for (const file of await configFiles(workspace)) {
    for (const [key, value] of await configEntries(file)) {
      const why = credentialIn(key, value);
      if (why) found.push({ file: path.relative(workspace, file), key, why });
    }
  }
  return found;
}

/** An error message for the log and the issue, naming what to change. */
export function describePersistedCredentials(found: readonly PersistedCredential[]): string {
  const list = found.map((f) => `${f.key} in ${f.file} (${f.why})`).join('; ');
  return (
    `The checkout holds a credential the agent could read: ${list}. ` +
    'Set `persist-credentials: false` on actions/checkout in this workflow (wild-plan pushes with its own token), ' +
    'or remove it with `git config --local --unset-all <key>` before wild-plan runs.'
  );
}

function credentialIn(key: string, value: string): string | null {
  const k = key.toLowerCase();
  if (/^http\..*extraheader$/.test(k) && /authorization|token|bearer|basic/i.test(value)) return 'an Authorization header';
  if (/^(include|includeif\..*)\.path$/.test(k)) return 'an included config file, where actions/checkout v6 keeps the token';
  if (/^credential\..*helper$/.test(k) && /\bstore\b/.test(value)) return 'a credential store';
  if (/^remote\..*\.(url|pushurl)$/.test(k) && hasUserInfo(value)) return 'a URL with a password';
  if (/^url\..*\.(insteadof|pushinsteadof)$/.test(k) && hasUserInfo(key.slice(4))) return 'a URL rewrite with a password';
  return null;
}

/** A password in the URL, or a user name shaped like a token (`https://ghp_…@github.com`); not `ssh://git@…`. */
function hasUserInfo(url: string): boolean {
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]+)@/i.exec(url)?.[1];
  if (userInfo === undefined) return false;
  const [user = '', password] = userInfo.split(':');
  return (password !== undefined && password !== '') || redactSecrets(user, []) !== user;
}

/** .git/config, the per-worktree config, and every submodule's config under .git/modules. */
async function configFiles(workspace: string): Promise<string[]> {
  const gitDir = await resolveGitDir(workspace);
  if (gitDir === null) return [];
  const files = [path.join(gitDir, 'config'), path.join(gitDir, 'config.worktree')];
  const commonDir = await readFile(path.join(gitDir, 'commondir'), 'utf8').then(
    (d) => path.resolve(gitDir, d.trim()),
    () => null,
  );
  if (commonDir) files.push(path.join(commonDir, 'config'));
  files.push(...(await moduleConfigs(path.join(commonDir ?? gitDir, 'modules'), 4)));
  const existing: string[] = [];
  for (const file of files) if (await isFile(file)) existing.push(file);
  return existing;
}

async function resolveGitDir(workspace: string): Promise<string | null> {
  const dotGit = path.join(workspace, '.git');
  const info = await stat(dotGit).catch(() => null);
  if (info?.isDirectory()) return dotGit;
  if (!info?.isFile()) return null;
  // A worktree or submodule checkout: ".git" is a file saying where the git dir is.
  const pointer = /^gitdir:\s*(.+)$/m.exec(await readFile(dotGit, 'utf8'))?.[1]?.trim();
  return pointer ? path.resolve(workspace, pointer) : null;
}

async function moduleConfigs(dir: string, depth: number): Promise<string[]> {
  if (depth === 0) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const sub = path.join(dir, entry.name);
    out.push(path.join(sub, 'config'), ...(await moduleConfigs(path.join(sub, 'modules'), depth - 1)));
  }
  return out;
}

const isFile = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** Key/value pairs of one config file, as git itself parses it (no includes followed). */
function configEntries(file: string): Promise<Array<[string, string]>> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['config', '--file', file, '--null', '--list'],
      { env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } },
      (error, stdout) => {
        if (error) return reject(new Error(`cannot read ${file} as git config: ${error.message}`));
        resolve(
          stdout
            .split('\0')
            .filter(Boolean)
            .map((entry) => {
              const newline = entry.indexOf('\n');
              return newline < 0 ? [entry, ''] : [entry.slice(0, newline), entry.slice(newline + 1)];
            }),
        );
      },
    );
  });
}
