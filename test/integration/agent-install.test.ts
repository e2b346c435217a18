// Getting an agent CLI: PATH, cache, or an npm install, with a stand-in npm so the suite
// stays offline and fast. A real install runs in test/agents/install.test.ts.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentInstallError, defaultAgentCacheDir, installDir, resolveAgentBinary, type AgentPackage } from '../../src/agent/install.js';

const PKG: AgentPackage = { packageName: '@acme/agent-cli', version: '1.2.3', bin: 'acme' };

let dir: string;
let cacheDir: string;
let npm: string;
let calls: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-install-'));
  cacheDir = join(dir, 'cache');
  calls = join(dir, 'npm-calls.log');
  npm = await fakeNpm('ok');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An `npm` that lays out node_modules like a real install, or fails like the registry's 404. */
async function fakeNpm(mode: 'ok' | 'fail' | 'no-bin'): Promise<string> {
  const file = join(dir, `npm-${mode}.mjs`);
  await writeFile(
    file,
    `#!/usr/bin/env node
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const args = process.argv.slice(2);
appendFileSync(${JSON.stringify(calls)}, args.join(' ') + '\\n');
const prefix = args[args.indexOf('--prefix') + 1];
const spec = args.at(-1);
const at = spec.lastIndexOf('@');
const [name, version] = [spec.slice(0, at), spec.slice(at + 1)];
if (${JSON.stringify(mode)} === 'fail') {
  process.stderr.write('npm error code E404\\nnpm error 404 Not Found - GET https://registry.example/' + name + ' - Not found\\n');
  process.exit(1);
}
mkdirSync(join(prefix, 'node_modules', name), { recursive: true });
writeFileSync(join(prefix, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
if (${JSON.stringify(mode)} === 'ok') {
  mkdirSync(join(prefix, 'node_modules', '.bin'), { recursive: true });
  const bin = join(prefix, 'node_modules', '.bin', ${JSON.stringify(PKG.bin)});
  writeFileSync(bin, '#!/bin/sh\\necho ' + version + '\\n');
  chmodSync(bin, 0o755);
}
`,
  );
  await chmod(file, 0o755);
  return file;
}

const npmCalls = async () => (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean);

describe('resolveAgentBinary', () => {
  it('installs into <cache>/<package>@<version> once, then reuses it', async () => {
    const first = await resolveAgentBinary(PKG, { cacheDir, npm, usePath: false });
    expect(first.source).toBe('installed');
    expect(first.path).toBe(join(cacheDir, '@acme/agent-cli@1.2.3', 'node_modules', '.bin', 'acme'));
    const second = await resolveAgentBinary(PKG, { cacheDir, npm, usePath: false });
    expect(second).toEqual({ path: first.path, version: '1.2.3', source: 'cache' });
    const [call, ...more] = await npmCalls();
    expect(more).toEqual([]);
    expect(call).toMatch(
      /^install --no-save --ignore-scripts .*--prefix \S+@acme\/agent-cli@1\.2\.3\.partial-\S+ @acme\/agent-cli@1\.2\.3$/,
    );
    expect(await readdir(join(cacheDir, '@acme'))).toEqual(['agent-cli@1.2.3']); // no staging left
  });

  it('fails with the package, version and npm error, and leaves nothing half-installed', async () => {
    const failing = await fakeNpm('fail');
    const error = await resolveAgentBinary(PKG, { cacheDir, npm: failing, usePath: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentInstallError);
    expect((error as Error).message).toMatch(/^could not install @acme\/agent-cli@1\.2\.3 into .*: npm exited with 1\n.*404 Not Found/s);
    expect(await readdir(join(cacheDir, '@acme'))).toEqual([]);
  });

  it('refuses an install that has no program of that name', async () => {
    const error = await resolveAgentBinary(PKG, { cacheDir, npm: await fakeNpm('no-bin'), usePath: false }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('installed @acme/agent-cli@1.2.3, but it has no `acme` program (is the version right?)');
  });

  it('reinstalls when the cache holds another version under that name', async () => {
    const target = installDir(cacheDir, PKG);
    await mkdir(join(target, 'node_modules', PKG.packageName), { recursive: true });
    await writeFile(join(target, 'node_modules', PKG.packageName, 'package.json'), '{"version":"1.0.0"}');
    expect((await resolveAgentBinary(PKG, { cacheDir, npm, usePath: false })).source).toBe('installed');
  });

  it('uses the program on PATH only at the wanted version', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'acme'), '#!/bin/sh\necho "acme-cli 1.2.3 (stable)"\n', { mode: 0o755 });
    expect(await resolveAgentBinary(PKG, { cacheDir, npm, pathEnv: bin })).toEqual({
      path: join(bin, 'acme'),
      version: '1.2.3',
      source: 'path',
    });

    const lines: string[] = [];
    const other = await resolveAgentBinary({ ...PKG, version: '2.0.0' }, { cacheDir, npm, pathEnv: bin, log: (l) => lines.push(l) });
    expect(other.source).toBe('installed');
    expect(lines[0]).toBe(
      'acme on PATH is 1.2.3, not 2.0.0; using @acme/agent-cli@2.0.0 from the cache (set `agent-version` to use the one on PATH)',
    );
  });

  it('takes exact versions only', async () => {
    await expect(resolveAgentBinary({ ...PKG, version: 'latest' }, { cacheDir, npm })).rejects.toThrow(/not an exact version/);
    await expect(resolveAgentBinary({ ...PKG, version: '1.2.3 --registry=evil' }, { cacheDir, npm })).rejects.toThrow(AgentInstallError);
  });
});

describe('defaultAgentCacheDir', () => {
  it('prefers the runner tool cache, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultAgentCacheDir({ RUNNER_TOOL_CACHE: '/opt/hostedtoolcache', XDG_CACHE_HOME: '/x' }, '/home/u')).toBe(
      '/opt/hostedtoolcache/wild-plan',
    );
    expect(defaultAgentCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/x/wild-plan/agents');
    expect(defaultAgentCacheDir({}, '/home/u')).toBe('/home/u/.cache/wild-plan/agents');
  });
});
