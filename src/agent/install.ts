// Getting an agent CLI at an exact version: the one on PATH when it is that version, else
// an npm install into a cache directory that later runs (and jobs sharing a tool cache)
// reuse. The CLIs ship native binaries inside their npm packages, so this is all they need.
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { deniedEnvReason } from '../sandbox/environment.js';
import { runCaptured } from './process.js';

export interface AgentPackage {
  /** npm package name, e.g. `@anthropic-ai/claude-code`. */
  packageName: string;
  /** Exact version. */
  version: string;
  /** The program the package installs, e.g. `claude`. */
  bin: string;
  /**
   * Where its native program sits, relative to node_modules, best first, when `bin` is a
   * placeholder its install script would replace (we never run install scripts).
   */
  native?: readonly string[];
}

export interface ResolvedBinary {
  path: string;
  version: string;
  source: 'path' | 'cache' | 'installed';
  /** Time spent installing, when it was installed now. */
  installMs?: number;
}

export class AgentInstallError extends Error {
  override name = 'AgentInstallError';
}

/** Exact versions only: the version names a cache directory and is what was verified. */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/** `$RUNNER_TOOL_CACHE/wild-plan` on GitHub runners, else the user's cache directory. */
export function defaultAgentCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.RUNNER_TOOL_CACHE) return join(env.RUNNER_TOOL_CACHE, 'wild-plan');
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'wild-plan', 'agents');
  return join(home, '.cache', 'wild-plan', 'agents');
}

/** `<cacheDir>/<package>@<version>`: scoped packages nest one level (`@scope/name@1.2.3`). */
export function installDir(cacheDir: string, pkg: AgentPackage): string {
  return join(cacheDir, `${pkg.packageName}@${pkg.version}`);
}

export interface ResolveOptions {
  cacheDir: string;
  /** Look on PATH first (default true). */
  usePath?: boolean;
  /** PATH to search; default the runner's. */
  pathEnv?: string;
  /** The npm program; default `npm` from PATH. */
  npm?: string;
  installTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The CLI at exactly `pkg.version`: from PATH, from the cache, or installed into the cache now. */
export async function resolveAgentBinary(pkg: AgentPackage, options: ResolveOptions): Promise<ResolvedBinary> {
  if (!EXACT_VERSION.test(pkg.version)) {
    throw new AgentInstallError(`${pkg.packageName}: version "${pkg.version}" is not an exact version like 1.2.3`);
  }
  const log = options.log ?? (() => {});
  if (options.usePath !== false) {
    const onPath = await findOnPath(pkg.bin, options.pathEnv ?? process.env.PATH ?? '');
    if (onPath) {
      const version = await probeVersion(onPath);
      if (version === pkg.version) return { path: onPath, version, source: 'path' };
      log(
        `${pkg.bin} on PATH is ${version ?? 'of unknown version'}, not ${pkg.version}; using ${pkg.packageName}@${pkg.version} from the cache (set \`agent-version\` to use the one on PATH)`,
      );
    }
  }
  const cached = await findInstalled(options.cacheDir, pkg);
  if (cached) return { path: cached, version: pkg.version, source: 'cache' };
  log(`installing ${pkg.packageName}@${pkg.version} into ${installDir(options.cacheDir, pkg)}`);
  const started = Date.now();
  const path = await installAgent(pkg, options);
  return { path, version: pkg.version, source: 'installed', installMs: Date.now() - started };
}

/** The installed program when the cache holds exactly this version, else undefined. */
export async function findInstalled(cacheDir: string, pkg: AgentPackage): Promise<string | undefined> {
  const dir = installDir(cacheDir, pkg);
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'node_modules', pkg.packageName, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    if (manifest.version !== pkg.version) return undefined;
    return await programIn(join(dir, 'node_modules'), pkg);
  } catch {
    return undefined;
  }
}

/** The program to run in an install's node_modules: the native one when the package names it, else its bin. */
async function programIn(nodeModules: string, pkg: AgentPackage): Promise<string> {
  for (const candidate of pkg.native ?? []) {
    const program = join(nodeModules, candidate);
    if (
      await access(program, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return program;
  }
  if (pkg.native?.length) throw new Error('no native program');
  const bin = join(nodeModules, '.bin', pkg.bin);
  await access(bin, constants.X_OK);
  return bin;
}

/**
 * `npm install --no-save --prefix <dir> <pkg>@<version>`, into a fresh directory renamed
 * into place at the end, so a crash or a concurrent install never leaves a half-installed
 * CLI where the next run would take it. Install scripts stay off: no package code runs
 * with the job's privileges; for the CLIs whose launcher only a script would fill in, the
 * native program is taken from their platform package (AgentPackage.native).
 */
export async function installAgent(pkg: AgentPackage, options: ResolveOptions): Promise<string> {
  const spec = `${pkg.packageName}@${pkg.version}`;
  const dir = installDir(options.cacheDir, pkg);
  const staging = `${dir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(dirname(dir), { recursive: true });
  try {
    const npm = await runCaptured({
      argv: [
        options.npm ?? 'npm',
        'install',
        '--no-save',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '--prefix',
        staging,
        spec,
      ],
      cwd: dirname(dir),
      env: npmEnv(process.env),
      timeoutMs: options.installTimeoutMs ?? 10 * 60_000,
      label: `npm install ${spec}`,
    }).catch((error: Error) => {
      throw new AgentInstallError(`could not install ${spec}: ${error.message}`);
    });
    if (npm.timedOut || npm.exitCode !== 0) {
      const why = npm.timedOut ? 'npm did not finish in time' : `npm exited with ${npm.exitCode ?? npm.signal}`;
      const detail = npm.stderrTail.trim().split('\n').slice(-8).join('\n');
      throw new AgentInstallError(`could not install ${spec} into ${dir}: ${why}${detail ? `\n${detail}` : ''}`);
    }
    const program = await programIn(join(staging, 'node_modules'), pkg).catch(() => {
      const native = pkg.native?.length ? ` for this platform (none of ${pkg.native.join(', ')})` : '';
      throw new AgentInstallError(`installed ${spec}, but it has no \`${pkg.bin}\` program${native} (is the version right?)`);
    });
    try {
      await rename(staging, dir);
    } catch {
      // Another run installed it first (or a broken leftover is in the way).
      const other = await findInstalled(options.cacheDir, pkg);
      if (other) return other;
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
    return join(dir, program.slice(staging.length));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** npm gets the runner's environment less what must never leave the action (tokens, inputs). */
function npmEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && deniedEnvReason(name) === undefined) env[name] = value;
  }
  return env;
}

/** The first executable `bin` on `pathEnv`, like `command -v`. */
export async function findOnPath(bin: string, pathEnv: string): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, bin);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The first x.y.z in `<bin> --version`: "2.1.332 (Claude Code)", "codex-cli 0.169.0". */
export async function probeVersion(path: string): Promise<string | undefined> {
  try {
    const result = await runCaptured({
      argv: [path, '--version'],
      cwd: dirname(path),
      env: npmEnv(process.env),
      timeoutMs: 30_000,
      killGraceMs: 1_000,
    });
    return `${result.stdout}\n${result.stderrTail}`.match(/\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?/)?.[0];
  } catch {
    return undefined;
  }
}
