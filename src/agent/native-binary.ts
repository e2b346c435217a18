// Where an agent CLI's native program sits inside its npm install. OpenCode and Claude Code
// ship a placeholder launcher that their install script replaces with the program from a
// platform package (`opencode-linux-x64`, `@anthropic-ai/claude-code-linux-x64`). wild-plan
// installs with scripts off (no package code runs with the job's privileges), so it runs the
// program from the platform package itself, picking the one that script would pick.
import { existsSync, readFileSync } from 'node:fs';

export interface Platform {
  /** Node's names: linux, darwin, win32. */
  os: string;
  /** Node's names: x64, arm64. */
  arch: string;
  /** Linux with musl libc (Alpine): the packages with a `-musl` suffix. */
  musl: boolean;
  /** x64 with AVX2; without it OpenCode needs its `-baseline` build. */
  avx2: boolean;
}

export function currentPlatform(): Platform {
  const os = process.platform;
  const arch = process.arch;
  const musl =
    os === 'linux' &&
    !existsSync('/lib/ld-linux-x86-64.so.2') &&
    !existsSync('/lib/ld-linux-aarch64.so.1') &&
    existsSync('/lib/ld-musl-x86_64.so.1');
  let avx2 = false;
  if (arch === 'x64' && os === 'linux') {
    try {
      avx2 = /(^|\s)avx2(\s|$)/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      avx2 = false;
    }
  }
  return { os, arch, musl, avx2 };
}

/** OpenCode's program, best build first: `opencode-<os>-<arch>[-baseline][-musl]/bin/opencode`. */
export function opencodeBinaries(p: Platform): string[] {
  const os = p.os === 'win32' ? 'windows' : p.os;
  const exe = p.os === 'win32' ? 'opencode.exe' : 'opencode';
  const musl = p.musl ? '-musl' : '';
  const builds = p.arch === 'x64' ? (p.avx2 ? ['', '-baseline'] : ['-baseline', '']) : [''];
  return builds.map((build) => `opencode-${os}-${p.arch}${build}${musl}/bin/${exe}`);
}

/** Claude Code's program: `@anthropic-ai/claude-code-<os>-<arch>[-musl]/claude`. */
export function claudeCodeBinaries(p: Platform): string[] {
  const exe = p.os === 'win32' ? 'claude.exe' : 'claude';
  return [`@anthropic-ai/claude-code-${p.os}-${p.arch}${p.musl ? '-musl' : ''}/${exe}`];
}
