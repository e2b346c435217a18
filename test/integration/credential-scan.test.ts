import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describePersistedCredentials, findPersistedCredentials } from '../../src/sandbox/credential-scan.js';
import { basicCredential } from '../../src/git/auth.js';

let repo: string;
const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const TOKEN = `ghs_${'Ab3'.repeat(12)}`;

beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'wild-creds-'));
  git(repo, ['init', '-q']);
  git(repo, ['remote', 'add', 'origin', 'https://github.com/example/repo']);
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('findPersistedCredentials', () => {
  it('finds nothing in a clean checkout', async () => {
    expect(await findPersistedCredentials(repo)).toEqual([]);
  });

  it('finds the header actions/checkout persists, as it writes it', async () => {
    git(repo, ['config', '--local', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${basicCredential(TOKEN)}`]);
    const found = await findPersistedCredentials(repo);
    expect(found).toEqual([
      { file: path.join('.git', 'config'), key: 'http.https://github.com/.extraheader', why: 'an Authorization header' },
    ]);
    expect(describePersistedCredentials(found)).toContain('persist-credentials: false');
  });

  it('finds the include actions/checkout v6 uses, and tokens in URLs', async () => {
    git(repo, ['config', '--local', `includeIf.gitdir:${repo}/.git.path`, '/tmp/git-credentials-1234.config']);
    git(repo, ['config', '--local', 'remote.origin.url', `https://x-access-token:${TOKEN}@github.com/example/repo`]);
    git(repo, ['config', '--local', 'remote.fork.pushurl', `https://${TOKEN}@github.com/example/fork`]);
    const keys = (await findPersistedCredentials(repo)).map((f) => f.key).sort();
    expect(keys).toEqual([`includeif.gitdir:${repo}/.git.path`, 'remote.fork.pushurl', 'remote.origin.url']);
  });

  it('finds a header persisted in a submodule', async () => {
    const moduleDir = path.join(repo, '.git', 'modules', 'lib');
    mkdirSync(moduleDir, { recursive: true });
    writeFileSync(
      path.join(moduleDir, 'config'),
      `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${basicCredential(TOKEN)}\n`,
    );
    expect((await findPersistedCredentials(repo)).map((f) => f.file)).toEqual([path.join('.git', 'modules', 'lib', 'config')]);
  });

  it('leaves ordinary remotes and an emptied header alone', async () => {
    git(repo, ['remote', 'add', 'ssh', 'ssh://git@github.com/example/repo.git']);
    git(repo, ['config', '--local', 'http.https://github.com/.extraheader', '']);
    expect(await findPersistedCredentials(repo)).toEqual([]);
  });
});
