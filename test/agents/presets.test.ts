// The real agent CLIs, at the versions wild-plan pins, on the real rendered planning prompt
// in a temp git repository, with the research server fake and a scripted model provider on
// 127.0.0.1 (no real provider is ever reached). Slow, and needs ~1.1 GB of CLIs in the
// agent cache: run with `npm run test:agents`.
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAgentRunner, PRESETS, PresetRunner, type AgentSettings } from '../../src/agent/index.js';
import { prepareIsolation } from '../../src/sandbox/isolation.js';
import { parseTranscript } from '../../src/agent/transcript.js';
import { allText } from '../support/model-wire.js';
import { preflightCommand, startModelServer, type ModelScript, type ModelServer } from '../support/model-server.js';
import { canIsolate, uidOf } from '../support/isolation-machine.js';
import { closedPort, GOAL, PLAN, planningFixture, processesWith, type PlanningFixture } from './harness.js';

type Preset = 'opencode' | 'claude-code' | 'codex';
// keepsBackground: whether a process a tool command started in the background outlives the
// command (codex ends it with the command; the others leave it to whoever stops the run).
const CASES: Array<{ agent: Preset; model: string; baseUrl: (url: string) => string; keepsBackground: boolean }> = [
  { agent: 'opencode', model: 'scripted-model', baseUrl: (url) => `${url}/v1`, keepsBackground: true },
  { agent: 'claude-code', model: 'claude-sonnet-4-5', baseUrl: (url) => url, keepsBackground: true },
  { agent: 'codex', model: 'scripted-model', baseUrl: (url) => `${url}/v1`, keepsBackground: false },
];
const MARKER = 'WILD_PLAN_TEST_RUN';
const CAP_BY: Record<Preset, 'cli' | 'wild-plan'> = { opencode: 'wild-plan', 'claude-code': 'cli', codex: 'wild-plan' };
// Stand-in credentials: the scripted model accepts anything.
const KEYS = { OPENAI_API_KEY: 'sk-test-not-a-real-key', ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key' };
const PARENT_ENV = {
  WILD_TEST_FORWARDED: 'forwarded-value',
  WILD_TEST_UNLISTED: 'unlisted-value',
  GITHUB_TOKEN: 'ghs_test_token_never_forwarded',
};

describe.each(CASES)('$agent', ({ agent, model, baseUrl, keepsBackground }) => {
  let fixture: PlanningFixture;
  let server: ModelServer | undefined;
  const settings = (providerBaseUrl: string): AgentSettings => ({
    agent,
    model,
    providerBaseUrl,
    agentEnv: ['WILD_TEST_FORWARDED'],
    usePath: false,
  });

  beforeAll(async () => {
    const started = Date.now();
    const binary = await (createAgentRunner({ agent, agentEnv: [], usePath: false }) as PresetRunner).prepare();
    expect(binary.version).toBe(PRESETS[agent].defaultVersion);
    console.info(`${agent} ${binary.version}: ${binary.source} in ${Date.now() - started} ms (${binary.path})`);
    Object.assign(process.env, PARENT_ENV);
  });
  afterAll(() => {
    for (const name of Object.keys(PARENT_ENV)) delete process.env[name];
  });
  beforeEach(async () => {
    fixture = await planningFixture();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await fixture.cleanup();
  });

  async function scripted(script: Omit<ModelScript, 'plan'>): Promise<ModelServer> {
    server = await startModelServer({ plan: PLAN, ...script });
    return server;
  }

  it('runs the preflight, writes tasks.md and returns the plan the model wrote', async () => {
    const envDump = join(fixture.workdir, 'agent-env.txt');
    const provider = await scripted({ shellCommand: (prompt) => `${preflightCommand(prompt)} && env > '${envDump}'` });
    const result = await createAgentRunner(settings(baseUrl(provider.url))).run({
      prompt: fixture.prompt,
      workdir: fixture.workdir,
      env: KEYS,
      timeoutMs: 120_000,
    });

    expect(result, result.stderrTail).toMatchObject({ exitCode: 0, timedOut: false, failure: undefined });
    expect(parseTranscript(result.transcript).plan).toBe(PLAN);
    expect(parseTranscript(result.transcript).promise).toBe('DONE');
    expect((await readFile(fixture.tasksFile, 'utf8')).trim()).toBe(PLAN);
    // The preflight the prompt asks for reached the research server.
    const paths = fixture.wild.requests.map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health']));
    // The whole prompt reached the model (on stdin), first line to last.
    const first = provider.requests.find((r) => r.tools.length > 0)!;
    const seen = allText(first.body).join('\n');
    for (const line of [fixture.prompt.split('\n')[0]!, GOAL, fixture.prompt.trim().split('\n').at(-1)!]) expect(seen).toContain(line);

    expect(result.stats).toMatchObject({ agent, version: PRESETS[agent].defaultVersion, model });
    expect(result.stats?.toolCalls).toBeGreaterThanOrEqual(2);
    expect(result.stats?.inputTokens).toBeGreaterThan(0);
    expect(result.stats?.outputTokens).toBeGreaterThan(0);
    expect(result.steps?.[0]?.summary).toContain('/docs');

    const env = await readFile(envDump, 'utf8');
    expect(env).toContain('WILD_TEST_FORWARDED=forwarded-value');
    expect(env).not.toContain('unlisted-value');
    expect(env).not.toContain('ghs_test_token_never_forwarded');
    expect(env).not.toMatch(new RegExp(`^HOME=${process.env.HOME}$`, 'm'));
  });

  it('runs as a user of its own where the machine allows: the plan is written, our environment is out of its reach', async () => {
    // The CLI comes from the agent cache under this user's home, which the agent user cannot
    // enter by itself (runner.reach opens the way for the run).
    // The probe lives in the workdir: opencode refuses commands that name paths outside it.
    await writeFile(
      join(fixture.workdir, 'probe.sh'),
      `id -u; cat /proc/${process.pid}/environ >/dev/null 2>&1 && echo readable || echo denied\n`,
    );
    const isolation = await prepareIsolation(fixture.workdir, { perRun: true });
    const probe = join(fixture.workdir, 'agent-probe.txt');
    try {
      if (!canIsolate) {
        expect(isolation.isolated).toBe(false);
        return;
      }
      const provider = await scripted({
        shellCommand: (prompt) => `${preflightCommand(prompt)} && sh probe.sh > agent-probe.txt`,
      });
      const result = await createAgentRunner(settings(baseUrl(provider.url))).run({
        prompt: fixture.prompt,
        workdir: fixture.workdir,
        env: KEYS,
        timeoutMs: 120_000,
        isolation: isolation.agent,
      });

      expect(result).toMatchObject({ exitCode: 0, timedOut: false, failure: undefined });
      expect(parseTranscript(result.transcript).plan).toBe(PLAN);
      expect((await readFile(fixture.tasksFile, 'utf8')).trim()).toBe(PLAN);
      const [uid, parentEnviron] = (await readFile(probe, 'utf8')).trim().split('\n');
      expect(Number(uid)).toBe(uidOf(isolation.user!));
      expect(Number(uid)).not.toBe(process.getuid!());
      expect(parentEnviron).toBe('denied'); // the test process's environment, as the action's would be
    } finally {
      await isolation.restore();
    }
    expect(uidOf(isolation.user!)).toBeNull();
  });

  it('takes a prompt over the 128 KiB limit of one argv string whole (it goes on stdin)', async () => {
    const appendix = `\n\n## Appendix: prior notes\n\n${'- an earlier experiment log line that pads the prompt\n'.repeat(4_000)}\nEND-OF-LONG-PROMPT\n`;
    const prompt = fixture.prompt + appendix;
    expect(Buffer.byteLength(prompt)).toBeGreaterThan(128 * 1024);
    const provider = await scripted({});
    const result = await createAgentRunner(settings(baseUrl(provider.url))).run({
      prompt,
      workdir: fixture.workdir,
      env: KEYS,
      timeoutMs: 120_000,
    });

    expect(result.exitCode).toBe(0);
    expect(parseTranscript(result.transcript).plan).toBe(PLAN);
    const seen = allText(provider.requests.find((r) => r.tools.length > 0)!.body).join('\n');
    expect(seen).toContain('END-OF-LONG-PROMPT');
  });

  it('stops at the max-turns cap when the model keeps calling tools, and says so', async () => {
    const provider = await scripted({ endlessTools: true });
    const result = await createAgentRunner({ ...settings(baseUrl(provider.url)), maxTurns: 3 }).run({
      prompt: fixture.prompt,
      workdir: fixture.workdir,
      env: KEYS,
      timeoutMs: 120_000,
    });

    expect(result.timedOut).toBe(false);
    // Claude Code stops itself (--max-turns); OpenCode is told (agent steps) and stopped past it; Codex is stopped by wild-plan.
    expect(result.stop).toEqual({ reason: 'max-turns', limit: 3, by: CAP_BY[agent] });
    expect(provider.shellCommands.length).toBeGreaterThanOrEqual(2);
    expect(provider.shellCommands.length).toBeLessThanOrEqual(4);
    expect(result.failure).toMatch(new RegExp(`^${agent} stopped at the 3-turn cap \\(max-turns[);]`));
    // OpenCode got the cap too: at its last step it told the model to answer without tools.
    if (agent === 'opencode')
      expect(provider.requests.some((r) => allText(r.body).join('\n').includes('MAXIMUM STEPS REACHED'))).toBe(true);
  });

  it.runIf(agent === 'claude-code')('stops at the max-budget-usd cap (its own --max-budget-usd), and says so', async () => {
    const provider = await scripted({ endlessTools: true });
    const result = await createAgentRunner({ ...settings(baseUrl(provider.url)), maxBudgetUsd: 0.003 }).run({
      prompt: fixture.prompt,
      workdir: fixture.workdir,
      env: KEYS,
      timeoutMs: 120_000,
    });

    expect(result.stop).toEqual({ reason: 'max-budget', limit: 0.003, by: 'cli' });
    expect(result.failure).toMatch(/^claude-code stopped at the \$0\.003 budget cap \(max-budget-usd\)/);
    expect(result.stats).toMatchObject({ costSource: 'cli' });
    expect(result.stats?.costUsd).toBeGreaterThanOrEqual(0.003);
  });

  it('ends with a clear error when the model endpoint is down', async () => {
    const base = baseUrl(`http://127.0.0.1:${await closedPort()}`);
    const marker = randomUUID();
    const result = await createAgentRunner(settings(base)).run({
      prompt: fixture.prompt,
      workdir: fixture.workdir,
      env: { ...KEYS, [MARKER]: marker },
      timeoutMs: 150_000,
    });

    expect(result.timedOut).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.failure).toMatch(
      new RegExp(`^the model endpoint at ${base.replace(/[.]/g, '\\.')} is unreachable \\(connection refused\\)`),
    );
    expect(result.stderrTail).toContain(`wild-plan: ${result.failure}`);
    expect(parseTranscript(result.transcript).plan).toBeNull();
    expect(processesWith(MARKER, marker)).toEqual([]);
  });

  it('is stopped at its time limit with everything it started, when the model stalls', async () => {
    const marker = randomUUID();
    // The first tool call leaves a process behind in a session of its own, out of reach of
    // the agent's process group; then the model never answers.
    const provider = await scripted({
      stallAt: 1,
      shellCommand: () => 'setsid nohup sleep 600 >/dev/null 2>&1 < /dev/null & echo started',
    });
    const run = createAgentRunner(settings(baseUrl(provider.url))).run({
      prompt: fixture.prompt,
      workdir: fixture.workdir,
      env: { ...KEYS, [MARKER]: marker },
      timeoutMs: 20_000,
    });

    await vi.waitFor(() => expect(provider.requests.some((r) => r.answer === 'stalled')).toBe(true), { timeout: 20_000, interval: 100 });
    const during = processesWith(MARKER, marker);
    expect(during.length).toBeGreaterThan(0); // the agent, at least
    expect(during.some((p) => p.command.startsWith('sleep 600'))).toBe(keepsBackground);

    const result = await run;
    expect(result.timedOut).toBe(true);
    expect(result.failure).toBe(`${agent} did not finish within the time limit`);
    expect(processesWith(MARKER, marker)).toEqual([]);
  });
});
