// The namespace sandbox a runner without root or sudo gets (src/sandbox/namespace.ts), tried by an
// agent that looks for what it should not see. The action's side runs as a process of its own
// (test/support/isolation-driver.ts) with sentinel tokens in its environment from exec, as the
// runner starts the action. Runs wherever unprivileged user namespaces work, whoever we are.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DriverConfig, DriverReport } from '../support/isolation-driver.js';
import { canIsolate, canUseNamespaces, isRoot } from '../support/isolation-machine.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DRIVER = path.join(ROOT, 'test/support/isolation-driver.ts');
const PROBE = path.join(ROOT, 'test/support/namespace-probe.mjs');

let base: string;
let hex: string;
let dirs: { workspace: string; covered: string; coveredFile: string; visible: string; agent: string };

beforeEach(async () => {
  hex = randomBytes(16).toString('hex');
  base = await mkdtemp(path.join(tmpdir(), 'wild-ns-'));
  dirs = {
    workspace: path.join(base, 'work'),
    covered: path.join(base, 'checkout'),
    coveredFile: path.join(base, 'credentials'),
    visible: path.join(base, 'visible'),
    agent: path.join(base, 'agent'),
  };
  for (const dir of [dirs.workspace, dirs.covered, dirs.visible, dirs.agent]) mkdirSync(dir);
  writeFileSync(path.join(dirs.covered, 'secret.txt'), `SENTINEL_CHECKOUT_${hex}`);
  writeFileSync(dirs.coveredFile, `SENTINEL_CREDENTIALS_${hex}`);
  writeFileSync(path.join(dirs.visible, 'shown.txt'), 'ok');
  copyFileSync(PROBE, path.join(dirs.agent, 'probe.mjs'));
  chmodSync(base, 0o755);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

interface Probe {
  uid: number;
  ppid: number;
  visiblePids: number;
  environs: string;
  coveredListing: { ok: boolean; value?: string[]; code?: string };
  coveredWrite: { ok: boolean; code?: string };
  coveredFile: { ok: boolean; value?: string };
  umount: number | null;
  visibleListing: { ok: boolean; value?: string[] };
}

async function drive(
  marker: string,
  how: { wrap?: string[]; config?: Partial<DriverConfig> } = {},
): Promise<{ report: DriverReport; probe: Probe }> {
  const config: DriverConfig = {
    workspace: dirs.workspace,
    command: [process.execPath, path.join(dirs.agent, 'probe.mjs'), dirs.covered, dirs.coveredFile, dirs.visible, marker]
      .map((a) => JSON.stringify(a))
      .join(' '),
    isolate: true,
    env: {},
    timeoutMs: 30_000,
    namespaceHide: [dirs.covered, dirs.coveredFile],
    ...how.config,
  };
  const configFile = path.join(base, 'driver.json');
  writeFileSync(configFile, JSON.stringify(config));
  const sentinels = { 'INPUT_GITHUB-TOKEN': `SENTINEL_GITHUB_${hex}`, 'INPUT_SERVER-TOKEN': `SENTINEL_SERVER_${hex}` };
  const stdout = await new Promise<string>((resolve, reject) => {
    const argv = [...(how.wrap ?? []), process.execPath, '--import', 'tsx', DRIVER, configFile];
    execFile(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, ...sentinels } }, (error, out, err) =>
      error ? reject(new Error(`driver failed: ${error.message}\n${err}`)) : resolve(out),
    );
  });
  const report = JSON.parse(stdout) as DriverReport;
  return { report, probe: JSON.parse(report.transcript) as Probe };
}

describe.skipIf(!canUseNamespaces)('the namespace sandbox (no second user to give the agent)', () => {
  it("hides the action's processes and their environment, covers what it was told to, and its covers hold", async () => {
    const marker = `wild-ns-sleeper-${hex}`;
    const { report, probe } = await drive(marker);

    expect(report).toMatchObject({ isolated: true, exitCode: 0 });
    // Its own PID namespace: the sandbox's init is its parent, and no process it can see holds a token.
    expect(probe.ppid).toBe(1);
    expect(probe.visiblePids).toBeLessThan(10);
    expect(probe.environs).not.toContain(hex);
    // The covered directory is an empty, read-only tmpfs; the covered file reads empty.
    expect(probe.coveredListing).toEqual({ ok: true, value: [] });
    expect(probe.coveredWrite.ok).toBe(false);
    expect(probe.coveredFile).toEqual({ ok: true, value: '' });
    // It cannot take a cover off: mounts handed down to a namespace without privilege are locked.
    expect(probe.umount).not.toBe(0);
    // What it was not told to hide it still sees.
    expect(probe.visibleListing).toEqual({ ok: true, value: ['shown.txt'] });
    // Outside the sandbox nothing changed, and what it left running ended with it.
    expect(readdirSync(dirs.covered)).toEqual(['secret.txt']);
    expect(readFileSync(dirs.coveredFile, 'utf8')).toBe(`SENTINEL_CREDENTIALS_${hex}`);
    const leftovers = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
    expect(leftovers.stdout.trim()).toBe('');
  });

  it('runs as the same uid as the job (no root inside: agents that refuse root still run)', async () => {
    const { probe } = await drive(`wild-ns-uid-${hex}`);
    expect(probe.uid).toBe(process.getuid!());
  });

  // A runner whose kernel refuses user namespaces, made by nesting the run in a user namespace
  // whose limit allows no more. Not as root: there the nesting would map the job to real root.
  it.skipIf(isRoot || canIsolate)(
    "where user namespaces are refused, runs anyway and says plainly that the agent can read the job's secrets, and how to get isolation",
    async () => {
      const [uid, gid] = [String(process.getuid!()), String(process.getgid!())];
      // The outer namespace lowers its limit to one, which the inner one (back to our uid) uses up.
      const script =
        'u=$1; g=$2; shift 2; echo 1 > /proc/sys/user/max_user_namespaces && exec unshare --user --map-user="$u" --map-group="$g" -- "$@"';
      const wrap = ['unshare', '--user', '--map-root-user', '--', 'sh', '-c', script, 'sh', uid, gid];
      const { report, probe } = await drive(`wild-ns-refused-${hex}`, {
        wrap,
        config: { namespaceHide: undefined, sandboxHide: [dirs.covered] },
      });

      expect(report.isolated).toBe(false);
      expect(report.reason).toMatch(/no sandbox either: user namespaces are not available to this job's user/);
      expect(report.reason).toMatch(
        /On this runner the agent can read this job's secrets: run the job as root or with passwordless sudo .* or allow unprivileged user namespaces/,
      );
      // And it is so: without a sandbox, the covered directory is there to read.
      expect(probe.coveredListing).toEqual({ ok: true, value: ['secret.txt'] });
    },
  );
});
