import { execFile, spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_USER } from '../../src/sandbox/isolation.js';
import type { DriverConfig, DriverReport } from '../support/isolation-driver.js';
import { processesOf } from '../support/isolation-machine.js';

// The agent runs untrusted text with a shell. These tests run a hostile agent through the
// real CommandRunner, from a driver process whose environment holds sentinel tokens the way
// the action's holds INPUT_GITHUB-TOKEN and INPUT_SERVER-TOKEN.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRIVER = path.join(ROOT, 'test/support/isolation-driver.ts');
const AGENT = path.join(ROOT, 'test/support/prying-agent.mjs');
const OTHER_UID = 4242;

// Where the machine allows it (Linux, and root or passwordless sudo), isolation must
// happen; elsewhere prepareIsolation must say it did not, and why.
const isRoot = process.getuid?.() === 0;
const canIsolate = process.platform === 'linux' && (isRoot || spawnSync('sudo', ['-n', 'true']).status === 0);

let base: string;
let workspace: string;
let agentDir: string;
let hex: string;
let savedEnv: NodeJS.ProcessEnv;

beforeEach(async () => {
  hex = randomBytes(16).toString('hex');
  savedEnv = { ...process.env };
  Object.assign(process.env, sentinels());
  // A parent directory others may not enter, as a 0750 home directory would be.
  base = await mkdtemp(path.join(tmpdir(), 'wild-iso-'));
  chmodSync(base, 0o750);
  workspace = path.join(base, 'repo');
  mkdirSync(workspace);
  spawnSync('git', ['init', '-q', workspace]);
  writeFileSync(path.join(workspace, 'README.md'), '# repo\n');
  writeFileSync(path.join(workspace, 'owned-by-other.txt'), 'x');
  asRoot(['chown', `${OTHER_UID}:${OTHER_UID}`, path.join(workspace, 'owned-by-other.txt')]);
  // The agent's program and the secret live outside the workspace; the secret is ours alone.
  agentDir = await mkdtemp(path.join(tmpdir(), 'wild-iso-agent-'));
  chmodSync(agentDir, 0o755);
  copyFileSync(AGENT, path.join(agentDir, 'agent.mjs'));
  chmodSync(path.join(agentDir, 'agent.mjs'), 0o644);
  writeFileSync(path.join(agentDir, 'secret.txt'), `SENTINEL_FILE_${hex}\n`, { mode: 0o600 });
});

afterEach(async () => {
  process.env = savedEnv;
  await rm(base, { recursive: true, force: true }).catch(() => asRoot(['rm', '-rf', base]));
  await rm(agentDir, { recursive: true, force: true });
});

describe('running the agent as another user', () => {
  it.skipIf(canIsolate)('says so where the machine gives no user of its own, rather than pretend', async () => {
    const report = await drive({ isolate: true });
    expect(report.isolated).toBe(false);
    expect(report.reason).toMatch(/runs as this job's user/);
  });

  it.skipIf(!canIsolate)('leaves the agent no token to find and no way to root, and the workspace writable', async () => {
    const before = ownersIn(workspace);
    const report = await drive({ isolate: true });
    expect(report).toMatchObject({ isolated: true, user: AGENT_USER, exitCode: 0, leftRunning: false });
    const scan = JSON.parse(report.transcript) as Scan;
    expect(scan.uid).toBe(agentUid());
    expect(scan.readable).toBeGreaterThan(0);
    expect(scan.findings).toEqual([]);
    expect(scan.secretFile).toBe('EACCES');
    expect(scan.rootAttempt.status).not.toBe(0);
    expect(scan.rootAttempt.stdout).not.toBe('0');
    expect(scan.gitStatus).toBe(0);
    expect(existsSync(scan.home)).toBe(false);

    // Afterwards everything is its owner's again: what was there, and what the agent made.
    const after = ownersIn(workspace);
    for (const [file, owner] of before) expect(after.get(file), file).toBe(owner);
    const mine = `${lstatSync(workspace).uid}:${lstatSync(workspace).gid}`;
    for (const file of ['agent-wrote.txt', 'private', 'private/inside.txt', 'passwd-link']) expect(after.get(file), file).toBe(mine);
    expect(after.get('owned-by-other.txt')).toBe(`${OTHER_UID}:${OTHER_UID}`);
    expect(statSync('/etc/passwd').uid).toBe(0);
    expect(statSync(base).mode & 0o777).toBe(0o750);
    expect(processesOf(agentUid())).toEqual([]);
  });

  it('without isolation, the same agent finds the token in its parent (so the test above can fail)', async () => {
    const report = await drive({ isolate: false });
    expect(report.exitCode).toBe(0);
    const scan = JSON.parse(report.transcript) as Scan;
    expect(scan.ppid).toBe(report.driverPid);
    expect(scan.findings).toContainEqual({ pid: report.driverPid, file: 'environ' });
    expect(scan.secretFile).toBe('read');
  });

  it.skipIf(!canIsolate)('stops a timed-out agent and what it started in a session of its own', async () => {
    const report = await drive({ isolate: true, mode: 'hang', timeoutMs: 1_500 });
    expect(report.timedOut).toBe(true);
    const sleeper = Number(/sleeper=(\d+)/.exec(report.transcript)?.[1]);
    expect(sleeper).toBeGreaterThan(0);
    expect(report.leftRunning).toBe(false);
    expect(processesOf(agentUid())).toEqual([]);
  });
});

interface Scan {
  uid: number;
  ppid: number;
  readable: number;
  findings: Array<{ pid: number; file: string }>;
  secretFile: string;
  rootAttempt: { via: string; status: number | null; stdout: string };
  gitStatus: number | null;
  home: string;
}

function sentinels(): Record<string, string> {
  return {
    SENTINEL_SERVER_TOKEN: `SENTINEL_SERVER_TOKEN_${hex}`,
    SENTINEL_GITHUB_TOKEN: `SENTINEL_GITHUB_TOKEN_${hex}`,
    'INPUT_SERVER-TOKEN': `SENTINEL_SERVER_TOKEN_${hex}`,
    'INPUT_GITHUB-TOKEN': `SENTINEL_GITHUB_TOKEN_${hex}`,
  };
}

async function drive(options: { isolate: boolean; mode?: string; timeoutMs?: number }): Promise<DriverReport> {
  const config: DriverConfig = {
    workspace,
    command: `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(agentDir, 'agent.mjs'))}`,
    isolate: options.isolate,
    env: {
      WILD_NEEDLE_SHA256: createHash('sha256').update(hex).digest('hex'),
      WILD_SECRET_FILE: path.join(agentDir, 'secret.txt'),
      WILD_PRYING_MODE: options.mode ?? 'scan',
    },
    timeoutMs: options.timeoutMs ?? 60_000,
  };
  const configFile = path.join(base, 'driver.json');
  writeFileSync(configFile, JSON.stringify(config));
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', DRIVER, configFile],
      { cwd: ROOT, env: { ...savedEnv, ...sentinels() } },
      (error, out, err) => (error ? reject(new Error(`driver failed: ${error.message}\n${err}`)) : resolve(out)),
    );
  });
  return JSON.parse(stdout) as DriverReport;
}

/** "uid:gid" of every entry under dir, by path relative to it (symbolic links not followed). */
function ownersIn(dir: string, prefix = ''): Map<string, string> {
  const owners = new Map<string, string>();
  for (const name of readdirSync(path.join(dir, prefix))) {
    const rel = path.join(prefix, name);
    const stat = lstatSync(path.join(dir, rel));
    owners.set(rel, `${stat.uid}:${stat.gid}`);
    if (stat.isDirectory()) for (const [k, v] of ownersIn(dir, rel)) owners.set(k, v);
  }
  return owners;
}

function agentUid(): number {
  return Number(spawnSync('id', ['-u', AGENT_USER], { encoding: 'utf8' }).stdout.trim());
}

function asRoot(argv: string[]): void {
  if (isRoot) {
    if (argv[0] === 'chown') chownSync(argv[2]!, OTHER_UID, OTHER_UID);
    else spawnSync(argv[0]!, argv.slice(1));
  } else {
    spawnSync('sudo', ['-n', ...argv]);
  }
}
