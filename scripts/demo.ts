// `npm run demo`: plan the example issue end to end on this machine. Starts the research
// server fake on a free loopback port, copies the example repository to a temp dir, runs
// the built CLI with the scripted agent, and leaves the plan files in demo-output/.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWildServer } from '../test/support/wild-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'demo-output');

const server = await startWildServer();
const workdir = await mkdtemp(path.join(os.tmpdir(), 'wild-plan-demo-'));
try {
  await cp(path.join(root, 'examples', 'tiny-research'), workdir, { recursive: true });
  console.log(`Research server fake: ${server.url}`);
  console.log(`Example repository:   ${workdir}\n`);
  const args = [
    path.join(root, 'dist', 'cli.js'),
    'plan',
    '--issue-file',
    path.join(root, 'examples', 'issue.md'),
    '--server-url',
    server.url,
    '--agent-command',
    `node ${path.join(root, 'test', 'support', 'scripted-agent.mjs')}`,
    '--workdir',
    workdir,
    '--tasks-path',
    '.wild/plans/demo/tasks.md',
  ];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });
  await rm(output, { recursive: true, force: true });
  const planDir = path.join(workdir, '.wild', 'plans', 'demo');
  if (existsSync(planDir)) {
    await mkdir(output, { recursive: true });
    await cp(planDir, output, { recursive: true });
    console.log(`\nThe plan files are in ${path.relative(process.cwd(), output) || output}/`);
  }
  process.exitCode = code;
} finally {
  await server.close();
  await rm(workdir, { recursive: true, force: true });
}
