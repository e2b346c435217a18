// Installing agent CLIs with the real npm and registry.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentInstallError, defaultAgentCacheDir, PRESETS, resolveAgentBinary } from '../../src/agent/index.js';
import { findInstalled } from '../../src/agent/install.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'wild-agent-install-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('real npm', () => {
  it('a version the registry does not have fails with the package, the version and npm’s reason', async () => {
    const pkg = { packageName: 'opencode-ai', version: '0.0.1-does-not-exist', bin: 'opencode' };
    const error = await resolveAgentBinary(pkg, { cacheDir: scratch, usePath: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentInstallError);
    expect((error as Error).message).toMatch(
      /^could not install opencode-ai@0\.0\.1-does-not-exist into .*: npm exited with \d+\n[\s\S]*(ETARGET|No matching version|notarget)/,
    );
    expect(await readdir(scratch)).toEqual([]); // nothing half-installed left for the next run
  });

  it('each pinned CLI is in the agent cache once installed, and found there again', async () => {
    for (const preset of Object.values(PRESETS)) {
      const pkg = { packageName: preset.packageName, version: preset.defaultVersion, bin: preset.bin };
      const resolved = await resolveAgentBinary(pkg, { cacheDir: defaultAgentCacheDir(), usePath: false });
      expect(resolved.version).toBe(preset.defaultVersion);
      expect(await findInstalled(defaultAgentCacheDir(), pkg)).toBe(resolved.path);
      expect((await resolveAgentBinary(pkg, { cacheDir: defaultAgentCacheDir(), usePath: false })).source).toBe('cache');
    }
  });
});
