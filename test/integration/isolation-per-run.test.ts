// One agent user per run (prepareIsolation's `perRun`), as the pipeline asks for it. restore()
// stops every process of the agent's user, so runs sharing one user would stop each other's
// agents; with a user each, runs on one machine at once (the action on a busy self-hosted
// runner, this test suite's parallel files) leave each other alone. The user is created for
// the run and deleted by restore(); one that a killed run left behind is removed by the next.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRunner } from '../../src/agent/command.js';
import { prepareIsolation, type Isolation } from '../../src/sandbox/isolation.js';
import { canIsolate, groupExists, isRoot, processesOf, RUN_USER, runAsRoot, uidOf } from '../support/isolation-machine.js';

const node = JSON.stringify(process.execPath);
let dirs: string[] = [];
let isolations: Isolation[] = [];
/** Accounts a test made by hand, removed afterwards whatever happened. */
let madeUsers: string[] = [];

beforeEach(() => {
  dirs = [];
  isolations = [];
  madeUsers = [];
});

afterEach(async () => {
  for (const isolation of isolations) await isolation.restore().catch(() => {});
  for (const user of madeUsers) if (uidOf(user) !== null) runAsRoot(['userdel', user]);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wild-iso-run-'));
  dirs.push(dir);
  spawnSync('git', ['init', '-q', dir]);
  writeFileSync(path.join(dir, 'README.md'), '# repo\n');
  return dir;
}

async function isolate(dir: string): Promise<Isolation> {
  const isolation = await prepareIsolation(dir, { perRun: true });
  isolations.push(isolation);
  return isolation;
}

describe('a user of each run its own', () => {
  it.skipIf(canIsolate)('says where the machine gives no user of its own, and why', async () => {
    const isolation = await isolate(await workspace());
    expect(isolation).toMatchObject({ isolated: false, kind: 'none' });
    expect(isolation.reason).toMatch(/runs as this job's user/);
  });

  it.skipIf(!canIsolate)(
    'two runs at once get two users; one ending stops none of the other agent, and each user goes with its run',
    async () => {
      const [wsA, wsB] = [await workspace(), await workspace()];
      const [a, b] = await Promise.all([isolate(wsA), isolate(wsB)]);
      expect(a.user).toMatch(RUN_USER);
      expect(b.user).toMatch(RUN_USER);
      expect(a.user).not.toBe(b.user);
      expect(a.reason).toContain(`the unprivileged user ${a.user} of this run`);
      const [uidA, uidB] = [uidOf(a.user!)!, uidOf(b.user!)!];
      expect(uidA).not.toBe(uidB);

      // Run A's agent keeps running while run B plans and ends.
      const stopA = new AbortController();
      const runA = new CommandRunner({ command: `${node} -e "setInterval(() => {}, 1000)"`, killGraceMs: 200 }).run({
        prompt: 'wait',
        workdir: wsA,
        env: {},
        timeoutMs: 120_000,
        signal: stopA.signal,
        isolation: a.agent,
      });
      await vi.waitFor(() => expect(processesOf(uidA).length).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });

      const resultB = await new CommandRunner({ command: `${node} -e "process.stdout.write(String(process.getuid()))"` }).run({
        prompt: 'who am I',
        workdir: wsB,
        env: {},
        timeoutMs: 60_000,
        isolation: b.agent,
      });
      expect(resultB.transcript).toBe(String(uidB));
      await b.restore();

      // B's restore stopped B's user's processes only; with one shared user it would have stopped A's agent.
      expect(processesOf(uidA).length).toBeGreaterThan(0);
      expect(await a.agent!.process.anyRunning()).toBe(true);
      expect(uidOf(b.user!)).toBeNull();
      expect(groupExists(b.user!)).toBe(false);

      stopA.abort();
      expect((await runA).aborted).toBe(true);
      await a.restore();
      expect(processesOf(uidA)).toEqual([]);
      expect(uidOf(a.user!)).toBeNull();
      expect(groupExists(a.user!)).toBe(false);
      // Both workspaces are their owner's again.
      for (const ws of [wsA, wsB]) expect(lstatSync(path.join(ws, 'README.md')).uid).toBe(process.getuid!());
    },
    60_000,
  );

  it.skipIf(!canIsolate)(
    "removes an account a killed run left behind (and its processes), and no one else's",
    async () => {
      const ws = await workspace();
      // A finished process: its pid is gone, as a run killed with SIGKILL would be.
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      const deadPid = Number(gone.stdout);
      const myStart = readStartTime(process.pid);
      const make = (comment: string) => {
        const user = `wild-agent-${randomBytes(4).toString('hex')}`;
        madeUsers.push(user);
        const shell = '/usr/sbin/nologin';
        expect(
          runAsRoot([
            'useradd',
            '--system',
            '--user-group',
            '--no-create-home',
            '--home-dir',
            '/nonexistent',
            '--shell',
            shell,
            '--comment',
            comment,
            user,
          ]),
        ).toBe(0);
        return user;
      };
      // Marked as this live process's at first, so no other run's setup removes it while the
      // stage is set; then the mark names the finished process, as a killed run's would.
      const live = make(`wild-plan agent of pid ${process.pid} started ${myStart}`);
      const leftover = make(`wild-plan agent of pid ${process.pid} started ${myStart}`);
      const foreign = make('someone else who likes the name');
      const leftoverUid = uidOf(leftover)!;
      // The killed run's agent left a process behind.
      const straggler = isRoot
        ? spawn('sleep', ['300'], {
            uid: leftoverUid,
            gid: Number(spawnSync('id', ['-g', leftover], { encoding: 'utf8' }).stdout),
            stdio: 'ignore',
          })
        : null;
      if (straggler) await vi.waitFor(() => expect(processesOf(leftoverUid)).toEqual([straggler.pid]), { timeout: 10_000, interval: 50 });
      expect(runAsRoot(['usermod', '--comment', `wild-plan agent of pid ${deadPid} started 1`, leftover])).toBe(0);

      const isolation = await isolate(ws);
      expect(isolation.isolated).toBe(true);

      expect(uidOf(leftover)).toBeNull();
      expect(processesOf(leftoverUid)).toEqual([]);
      expect(uidOf(live)).not.toBeNull();
      expect(uidOf(foreign)).not.toBeNull();
      await isolation.restore();
      expect(uidOf(isolation.user!)).toBeNull();
    },
    60_000,
  );

  it.skipIf(!canIsolate)(
    'gives the agent user a way to the CLI it must run (reach), and closes it again at restore',
    async () => {
      const ws = await workspace();
      const isolation = await isolate(ws);
      // A cache under a home others cannot enter, as /root/.cache is.
      const home = await mkdtemp(path.join(tmpdir(), 'wild-iso-home-'));
      dirs.push(home);
      expect(lstatSync(home).mode & 0o777).toBe(0o700);
      const bin = path.join(home, 'agent.mjs');
      writeFileSync(bin, 'process.stdout.write("reached")\n', { mode: 0o644 });
      const run = () =>
        new CommandRunner({ command: `${node} ${JSON.stringify(bin)}` }).run({
          prompt: '',
          workdir: ws,
          env: {},
          timeoutMs: 60_000,
          isolation: isolation.agent,
        });

      expect((await run()).exitCode).not.toBe(0); // EACCES: the agent user cannot enter `home`
      await isolation.agent!.reach(bin);
      expect(lstatSync(home).mode & 0o777).toBe(0o701);
      expect((await run()).transcript).toBe('reached');

      await isolation.restore();
      expect(lstatSync(home).mode & 0o777).toBe(0o700);
    },
    60_000,
  );
});

function readStartTime(pid: number): string {
  const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}
