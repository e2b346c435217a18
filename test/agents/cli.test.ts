// The command line with a real agent preset: `wild-plan plan --agent claude-code` plans a goal
// against the research server fake, with Claude Code (at its pinned version, from the agent
// cache) talking to the scripted model server on 127.0.0.1. The flags are the action's input
// names; nothing reaches a real provider. `npm run test:agents -- -t "the CLI"`.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/io.js';
import { startModelServer, type ModelServer } from '../support/model-server.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';
import { PLAN } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const KEY = 'ANTHROPIC_API_KEY';

describe('the CLI with an agent preset', () => {
  let wild: WildServerFake;
  let model: ModelServer;
  let workdir: string;
  const before = process.env[KEY];

  beforeAll(async () => {
    wild = await startWildServer();
    model = await startModelServer({ plan: PLAN });
    workdir = await mkdtemp(join(tmpdir(), 'wild-plan-cli-agent-'));
    await cp(join(root, 'examples/tiny-research'), workdir, { recursive: true });
    // The key the agent gets through --agent-env: a stand-in, the scripted model takes any.
    process.env[KEY] = 'sk-ant-test-not-a-real-key';
  });
  afterAll(async () => {
    if (before === undefined) delete process.env[KEY];
    else process.env[KEY] = before;
    await model?.stop();
    await wild?.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  it('plans with `plan --agent claude-code --model … --agent-base-url … --agent-env …`', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      readFile: (f) => readFile(f, 'utf8'),
      env: {},
      cwd: root,
    };
    const args = [
      'plan',
      '--goal',
      'Compare label smoothing and temperature scaling for calibration under distribution shift.',
      '--server-url',
      wild.url,
      '--agent',
      'claude-code',
      '--model',
      'claude-sonnet-4-5',
      '--agent-base-url',
      model.url,
      '--agent-env',
      KEY,
      '--agent-timeout-minutes',
      '3',
      '--workdir',
      workdir,
      '--tasks-path',
      'plans/tasks.md',
      '--json',
    ];
    const code = await runCli(args, io);
    expect(code, err.join('\n')).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report).toMatchObject({ status: 'planned', agentStats: { agent: 'claude-code', model: 'claude-sonnet-4-5' } });
    expect((await readFile(join(workdir, 'plans/tasks.md'), 'utf8')).trim()).toBe(PLAN);
    // The model was asked (through the preset), and the prompt's preflight reached the server.
    expect(model.requests.some((r) => r.api === 'anthropic')).toBe(true);
    expect(wild.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/docs', '/openapi.json', '/wild/v2/system-health']));
  });
});
