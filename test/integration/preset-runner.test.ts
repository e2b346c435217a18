// The preset runner with a stand-in CLI that replays streams recorded from the real ones:
// how each preset starts its CLI, what environment it gets, and how failures are told.
// The real CLIs run in test/agents/ (npm run test:agents).
import { copyFileSync, existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentConfigError, createAgentRunner, PresetRunner, PRESETS } from '../../src/agent/index.js';
import { prepareIsolation } from '../../src/sandbox/isolation.js';
import type { AgentPreset } from '../../src/agent/presets/preset.js';
import { parseTranscript } from '../../src/agent/transcript.js';
import { canIsolate, uidOf } from '../support/isolation-machine.js';

const FAKE = fileURLToPath(new URL('../support/fake-agent-cli.mjs', import.meta.url));
const events = (name: string) => fileURLToPath(new URL(`../fixtures/agent-events/${name}`, import.meta.url));
const PLAN = readFileSync(new URL('../fixtures/plans/valid.md', import.meta.url), 'utf8').trim();

let dir: string;
let dump: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'preset-runner-'));
  dump = join(dir, 'dump.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  delete process.env.WILD_TEST_FORWARDED;
  delete process.env.WILD_TEST_UNLISTED;
});

function runner(preset: AgentPreset, extra: Partial<ConstructorParameters<typeof PresetRunner>[0]> = {}) {
  return new PresetRunner({ preset, binary: { path: FAKE, version: preset.defaultVersion, source: 'path' }, killGraceMs: 300, ...extra });
}

function run(r: PresetRunner, env: Record<string, string>, prompt = 'the planning prompt', timeoutMs = 60_000) {
  return r.run({ prompt, workdir: dir, env: { WILD_FAKE_DUMP: dump, ...env }, timeoutMs });
}

const readDump = () =>
  JSON.parse(readFileSync(dump, 'utf8')) as {
    argv: string[];
    env: Record<string, string>;
    stdin: string;
    homeExists: boolean;
    codexHomeExists: boolean;
    uid?: number;
    homeWritable: boolean;
  };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a successful run', () => {
  it('claude-code: final text as transcript, stats and steps, an isolated environment', async () => {
    process.env.WILD_TEST_FORWARDED = 'forwarded-value';
    process.env.WILD_TEST_UNLISTED = 'unlisted-value';
    const r = runner(PRESETS['claude-code'], {
      model: 'claude-sonnet-4-5',
      baseUrl: 'http://gateway.internal:8080',
      forwardEnv: ['WILD_TEST_FORWARDED'],
    });
    const result = await run(r, { WILD_FAKE_STDOUT: events('claude-code-plan.jsonl') });

    expect(parseTranscript(result.transcript).plan).toBe(PLAN);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, failure: undefined });
    expect(result.stats).toEqual({
      agent: 'claude-code',
      version: '2.1.332',
      model: 'claude-sonnet-4-5',
      turns: 3,
      toolCalls: 2,
      inputTokens: 360,
      outputTokens: 90,
      costUsd: 0.00243, // Claude Code's own figure (total_cost_usd)
      costSource: 'cli',
    });
    expect(result.steps?.map((s) => s.tool)).toEqual(['Bash', 'Write']);

    const seen = readDump();
    expect(seen.argv).toEqual(expect.arrayContaining(['-p', '--output-format', 'stream-json', '--model', 'claude-sonnet-4-5']));
    expect(seen.stdin).toBe('the planning prompt');
    expect(seen.env).toMatchObject({
      ANTHROPIC_BASE_URL: 'http://gateway.internal:8080',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_MAX_RETRIES: '2',
      WILD_TEST_FORWARDED: 'forwarded-value',
    });
    expect(seen.env.WILD_TEST_UNLISTED).toBeUndefined();
    expect(seen.homeExists).toBe(true);
    expect(seen.env.HOME).not.toBe(process.env.HOME);
    expect(seen.env.XDG_CONFIG_HOME?.startsWith(seen.env.HOME!)).toBe(true);
    expect(existsSync(seen.env.HOME!)).toBe(false); // the throw-away HOME is gone after the run
  });

  it('codex: prefers the -o last-message file, creates CODEX_HOME, declares its provider', async () => {
    const r = runner(PRESETS.codex, { model: 'gpt-5.1', baseUrl: 'http://127.0.0.1:1234/v1' });
    const result = await run(r, { WILD_FAKE_STDOUT: events('codex-plan.jsonl'), WILD_FAKE_LAST: 'from the file <plan>\nx\n</plan>' });
    expect(result.transcript).toBe('from the file <plan>\nx\n</plan>');
    const seen = readDump();
    expect(seen.codexHomeExists).toBe(true);
    expect(seen.argv.slice(0, 2)).toEqual(['exec', '--json']);
    expect(seen.argv.at(-1)).toBe('-');
    expect(seen.argv).toContain(
      'model_providers.wildplan={name="wild-plan endpoint",base_url="http://127.0.0.1:1234/v1",env_key="OPENAI_API_KEY",wire_api="responses",request_max_retries=2,stream_max_retries=2}',
    );
    expect(seen.argv).toContain('model="gpt-5.1"');
  });

  it('opencode: a custom provider for the base URL, the model under it', async () => {
    const r = runner(PRESETS.opencode, { model: 'qwen3-coder', baseUrl: 'http://127.0.0.1:1234/v1' });
    const result = await run(r, { WILD_FAKE_STDOUT: events('opencode-plan.jsonl') });
    expect(parseTranscript(result.transcript).plan).toBe(PLAN);
    const seen = readDump();
    expect(seen.argv).toEqual(['run', '--format', 'json', '--print-logs', '--log-level', 'ERROR', '--model', 'wildplan/qwen3-coder']);
    const config = JSON.parse(seen.env.OPENCODE_CONFIG_CONTENT!) as { provider: { wildplan: { options: { baseURL: string } } } };
    expect(config.provider.wildplan.options.baseURL).toBe('http://127.0.0.1:1234/v1');
    expect(seen.env).toMatchObject({ OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_SHARE: '1', OPENCODE_DISABLE_MODELS_FETCH: '1' });
  });

  it('passes a prompt far over the 128 KiB argv limit intact, on stdin', async () => {
    const prompt = `${'x'.repeat(300 * 1024)}\nend of prompt`;
    await run(runner(PRESETS.opencode), { WILD_FAKE_STDOUT: events('opencode-plan.jsonl') }, prompt);
    const seen = readDump();
    expect(seen.stdin).toBe(prompt);
    expect(seen.argv.join(' ')).not.toContain('end of prompt');
  });
});

describe('as an isolated agent user', () => {
  it("runs the CLI as the run's own user with a HOME it can write, reads its last message and removes its files after", async () => {
    // The CLI in a cache under a home the agent user cannot enter, as /root/.cache is.
    const cache = await mkdtemp(join(tmpdir(), 'preset-runner-cache-'));
    const cli = join(cache, 'fake-agent-cli.mjs');
    copyFileSync(FAKE, cli);
    const isolation = await prepareIsolation(dir, { perRun: true });
    try {
      if (!canIsolate) {
        expect(isolation.isolated).toBe(false);
        return;
      }
      const r = new PresetRunner({
        preset: PRESETS.codex,
        binary: { path: cli, version: PRESETS.codex.defaultVersion, source: 'path' },
        model: 'gpt-5.1',
        baseUrl: 'http://127.0.0.1:1234/v1',
        killGraceMs: 300,
      });
      const result = await r.run({
        prompt: 'the planning prompt',
        workdir: dir,
        env: { WILD_FAKE_DUMP: dump, WILD_FAKE_STDOUT: events('codex-plan.jsonl'), WILD_FAKE_LAST: 'from the file <plan>\nx\n</plan>' },
        timeoutMs: 60_000,
        isolation: isolation.agent,
      });

      expect(result).toMatchObject({ exitCode: 0, transcript: 'from the file <plan>\nx\n</plan>' });
      const seen = readDump();
      expect(seen.uid).toBe(uidOf(isolation.user!));
      expect(seen.uid).not.toBe(process.getuid!());
      expect(seen.env).toMatchObject({ USER: isolation.user, LOGNAME: isolation.user, TMPDIR: isolation.agent!.env.TMPDIR });
      // The preset's own HOME wins over the isolation's, and the agent user can write it.
      expect(seen.env.HOME).not.toBe(isolation.agent!.env.HOME);
      expect(seen.homeWritable).toBe(true);
      expect(seen.codexHomeExists).toBe(true);
      expect(existsSync(seen.env.HOME!)).toBe(false); // reclaimed, then removed
    } finally {
      await isolation.restore();
      await rm(cache, { recursive: true, force: true });
    }
    expect(lstatSync(dump).uid).toBe(process.getuid!());
    expect(uidOf(isolation.user!)).toBeNull();
  });
});

describe('failures', () => {
  it('codex retrying an unreachable endpoint is stopped, with the reason', async () => {
    const port = await closedPort();
    const r = runner(PRESETS.codex, { baseUrl: `http://127.0.0.1:${port}/v1` });
    const result = await run(r, { WILD_FAKE_STDOUT: events('codex-endpoint-down.jsonl'), WILD_FAKE_HANG: '1' });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.failure).toBe(
      `the model endpoint at http://127.0.0.1:${port}/v1 is unreachable (connection refused); stopped codex after repeated failed connection attempts`,
    );
    expect(result.stderrTail).toContain(`wild-plan: ${result.failure}`);
  });

  it('opencode logging connection failures on stderr is stopped too', async () => {
    const r = runner(PRESETS.opencode);
    const result = await run(r, { WILD_FAKE_STDERR: events('opencode-endpoint-down.stderr.txt'), WILD_FAKE_HANG: '1' });
    expect(result.timedOut).toBe(false);
    expect(result.failure).toMatch(
      /^the model endpoint at the model provider's endpoint is unreachable \(connection failed\); stopped opencode/,
    );
  });

  it('claude-code failing on its own: the exit and the explained error', async () => {
    const port = await closedPort();
    const r = runner(PRESETS['claude-code'], { baseUrl: `http://127.0.0.1:${port}` });
    const result = await run(r, { WILD_FAKE_STDOUT: events('claude-code-endpoint-down.jsonl'), WILD_FAKE_EXIT: '1' });
    expect(result.exitCode).toBe(1);
    expect(result.transcript).toBe('');
    expect(result.failure).toBe(`the model endpoint at http://127.0.0.1:${port} is unreachable (connection refused)`);
  });

  it('an agent past its time limit is stopped and says so', async () => {
    const result = await run(runner(PRESETS['claude-code']), { WILD_FAKE_HANG: '1' }, 'p', 1_000);
    expect(result.timedOut).toBe(true);
    expect(result.failure).toBe('claude-code did not finish within the time limit');
  });

  it('an exit 0 without a final message is a failure with a reason', async () => {
    const result = await run(runner(PRESETS['claude-code']), {});
    expect(result.exitCode).toBe(0);
    expect(result.failure).toBe('claude-code ended without a final message');
  });
});

describe('configuration', () => {
  it.each([
    [{ agent: 'opencode' as const, providerBaseUrl: 'http://x/v1' }, /`model` is required for `agent: opencode` with `agent-base-url`/],
    [{ agent: 'opencode' as const, model: 'gpt-4.1' }, /must be provider\/model for OpenCode/],
    [{ agent: 'codex' as const, agentVersion: 'latest' }, /`agent-version` "latest" must be an exact version like 0\.169\.0/],
    [{ agent: 'claude-code' as const, model: '--dangerously-skip-permissions' }, /`model` .* is not a model name/],
    [{ agent: 'claude-code' as const, agentEnv: ['GITHUB_TOKEN'] }, /`agent-env`: refusing to forward GITHUB_TOKEN/],
    [{ agent: 'command' as const }, /`agent-command` is required/],
  ])('%j is refused before anything runs', (patch, message) => {
    expect(() => createAgentRunner({ agentEnv: [], ...patch })).toThrow(AgentConfigError);
    expect(() => createAgentRunner({ agentEnv: [], ...patch })).toThrow(message);
  });

  it('builds the runner each agent names', () => {
    expect(createAgentRunner({ agent: 'command', agentCommand: 'my-agent', agentEnv: [] }).name).toBe('command');
    for (const agent of ['opencode', 'claude-code', 'codex'] as const) expect(createAgentRunner({ agent, agentEnv: [] }).name).toBe(agent);
  });
});
