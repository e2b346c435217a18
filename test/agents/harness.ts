// What the real-CLI tests share: a temp git repository with the research server fake, the
// real rendered planning prompt for it, and a way to find processes a run left behind.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildGoal } from '../../src/goal.js';
import { composePrompt, resolvePrompt } from '../../src/planning/prompt.js';
import { silentLog } from '../../src/log.js';
import type { OpenApiDocument } from '../../src/server/schemas.js';
import { parseSettings, tasksPathFor } from '../../src/settings.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

export const PLAN = readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8').trim();
export const GOAL = 'Compare label smoothing and temperature scaling for calibration under distribution shift.';
const SESSION_ID = 'wild-0badc0de';

export interface PlanningFixture {
  workdir: string;
  tasksFile: string;
  prompt: string;
  wild: WildServerFake;
  cleanup(): Promise<void>;
}

export async function planningFixture(): Promise<PlanningFixture> {
  const root = await mkdtemp(join(tmpdir(), 'wild-agents-'));
  const workdir = join(root, 'repo');
  await mkdir(workdir);
  await writeFile(join(workdir, 'README.md'), '# calibration\n\nTraining code for CIFAR-10 calibration experiments.\n');
  await writeFile(join(workdir, 'train.py'), 'import argparse\n\nif __name__ == "__main__":\n    argparse.ArgumentParser().parse_args()\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com', ...args], { cwd: workdir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'seed');

  const wild = await startWildServer({ workdir });
  const settings = parseSettings({ 'server-url': wild.url, 'agent-command': 'unused' }, workdir);
  const tasksFile = join(workdir, tasksPathFor(settings, 7));
  await mkdir(dirname(tasksFile), { recursive: true }); // as planIssue does before the agent runs
  const openapi = (await (await fetch(`${wild.url}/openapi.json`)).json()) as OpenApiDocument;
  const goal = buildGoal({ title: 'Calibration under shift', body: `### Goal\n\n${GOAL}` });
  const prompt = composePrompt(settings, await resolvePrompt(settings, silentLog), {
    goal,
    sessionId: SESSION_ID,
    tasksFile,
    openapi,
    serverUrl: wild.url,
    auth: { kind: 'none' },
  });
  return {
    workdir,
    tasksFile,
    prompt,
    wild,
    async cleanup() {
      await wild.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A 127.0.0.1 port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Live processes whose environment holds NAME=value: the agent and all it started. */
export function processesWith(name: string, value: string): Array<{ pid: number; command: string }> {
  const needle = `${name}=${value}`;
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z' || state === 'X') continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) continue;
      found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return found;
}
