import { describe, expect, it } from 'vitest';
import { claudeCodeBinaries, opencodeBinaries, type Platform } from '../../src/agent/native-binary.js';

// The program an install script would have linked into place, taken from the platform package
// instead (wild-plan installs with scripts off).
const linux: Platform = { os: 'linux', arch: 'x64', musl: false, avx2: true };

describe('the native program of an agent CLI', () => {
  it('OpenCode: the AVX2 build first on a CPU that has it, the baseline build first on one that does not', () => {
    expect(opencodeBinaries(linux)).toEqual(['opencode-linux-x64/bin/opencode', 'opencode-linux-x64-baseline/bin/opencode']);
    expect(opencodeBinaries({ ...linux, avx2: false })).toEqual([
      'opencode-linux-x64-baseline/bin/opencode',
      'opencode-linux-x64/bin/opencode',
    ]);
  });

  it('OpenCode: musl, arm64 and Windows builds by their package names', () => {
    expect(opencodeBinaries({ ...linux, musl: true })[0]).toBe('opencode-linux-x64-musl/bin/opencode');
    expect(opencodeBinaries({ ...linux, arch: 'arm64' })).toEqual(['opencode-linux-arm64/bin/opencode']);
    expect(opencodeBinaries({ os: 'win32', arch: 'x64', musl: false, avx2: true })[0]).toBe('opencode-windows-x64/bin/opencode.exe');
  });

  it('Claude Code: its platform package holds the program', () => {
    expect(claudeCodeBinaries(linux)).toEqual(['@anthropic-ai/claude-code-linux-x64/claude']);
    expect(claudeCodeBinaries({ ...linux, musl: true, arch: 'arm64' })).toEqual(['@anthropic-ai/claude-code-linux-arm64-musl/claude']);
  });
});
