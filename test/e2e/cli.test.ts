import { execFile } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { flagOf, inputsFromFlags, LOCAL_INPUTS } from '../../src/cli/flags.js';
import type { CliIo } from '../../src/cli/io.js';
import { isBooleanInput } from '../../src/settings.js';
import { canIsolate } from '../support/isolation-machine.js';
import { startWildServer, type WildServerFake } from '../support/wild-server.js';

const root = path.resolve(import.meta.dirname, '../..');
const agent = (mode = 'ok') => `node ${path.join(root, 'test/support/scripted-agent.mjs')} --mode ${mode}`;
const TOKEN = 'sentinel-server-token-5f2a';

// Auth off, as most teams run it on a private network; `authServer` has a token.
let server: WildServerFake;
let authServer: WildServerFake;
let workdir: string;

function collector(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: (f) => readFile(f, 'utf8'),
    env,
    cwd: root,
  };
  return { io, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

const planArgs = (...extra: string[]) => [
  'plan',
  '--issue-file',
  'examples/issue.md',
  '--server-url',
  server.url,
  '--workdir',
  workdir,
  '--tasks-path',
  'plans/tasks.md',
  ...extra,
];

beforeAll(async () => {
  server = await startWildServer();
  authServer = await startWildServer({ token: TOKEN });
});
afterAll(async () => {
  await server.close();
  await authServer.close();
});
beforeEach(async () => {
  workdir = await mkdtemp(path.join(os.tmpdir(), 'wild-plan-cli-'));
  await cp(path.join(root, 'examples/tiny-research'), workdir, { recursive: true });
  await server.clearFaults();
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

describe('wild-plan plan', () => {
  it('plans the example issue: exit 0, tasks.md and the playbook written, a readable report', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    const code = await runCli(planArgs('--agent-command', agent()), c.io);
    expect(code, c.stderr()).toBe(0);
    expect(c.stdout()).toMatch(/PLANNED/);
    expect(c.stdout()).toMatch(/\| openapi \| `\/openapi.json` \| ✅/);
    expect(c.stdout()).toMatch(/Phase 1 — /);
    const tasks = await readFile(path.join(workdir, 'plans/tasks.md'), 'utf8');
    expect(tasks).toMatch(/label smoothing/i); // the goal reached the agent
    expect(tasks).not.toMatch(/do not mention the deadline/); // the hidden comment did not
    const playbook = await readFile(path.join(workdir, 'plans/prompt_skill_playbook.md'), 'utf8');
    expect(playbook).toMatch(/## Sweep\/Run Audit Protocol/);
    expect(`${c.stdout()}${c.stderr()}${tasks}${playbook}`).not.toContain(TOKEN);
  });

  it('prints JSON with --json', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent(), '--json'), c.io)).toBe(0);
    const report = JSON.parse(c.stdout());
    expect(report).toMatchObject({ status: 'planned', preflight: { ok: true } });
    expect(report.plan.phases).toHaveLength(5);
    expect(report.sessionId).toMatch(/^wild-[0-9a-f]{8}$/);
  });

  it('passes the steer text to the agent', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent(), '--steer', 'Use five seeds, not three'), c.io)).toBe(0);
    expect(await readFile(path.join(workdir, 'plans/tasks.md'), 'utf8')).toMatch(/Use five seeds, not three/);
  });

  it('aborts with exit 2 and the abort checklist when the server is down; the agent never runs', async () => {
    await server.setFault('*', { kind: 'down' });
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    const code = await runCli(planArgs('--agent-command', agent('crash'), '--preflight-timeout-seconds', '2'), c.io);
    expect(code).toBe(2);
    expect(c.stdout()).toMatch(/ABORTED/);
    expect(c.stdout()).toMatch(/connection refused/i);
    const tasks = await readFile(path.join(workdir, 'plans/tasks.md'), 'utf8');
    expect(tasks).toContain('ABORT_EARLY_DOCS_CHECK_FAILED');
    expect(tasks).not.toMatch(/- \[ \]/); // every item checked
  });

  it('aborts with exit 2 on a wrong token and says what to fix', async () => {
    const c = collector({ WILD_SERVER_TOKEN: 'wrong-token' });
    const code = await runCli(planArgs('--agent-command', agent()).concat('--server-url', authServer.url), c.io);
    expect(code).toBe(2);
    expect(c.stdout()).toMatch(/401/);
    expect(c.stdout()).toMatch(/server-token/);
    expect(c.stdout()).not.toContain('wrong-token');
  });

  it('with a token, the agent reaches the server through the loopback proxy and never holds the token', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    // The agent works in a scratch copy, gone after the run: it dumps where the test can look.
    const dump = path.join(workdir, 'agent-env.json');
    const code = await runCli(
      planArgs('--agent-command', `${agent('env-dump')} --dump ${dump}`).concat('--server-url', authServer.url),
      c.io,
    );
    expect(code, c.stderr()).toBe(0);
    // The prompt's header-less preflight lines passed: through the proxy, which added the token.
    expect(c.stderr()).toMatch(/wild-plan proxy: GET \/wild\/v2\/system-health → 200/);
    expect(c.stderr()).toMatch(/The agent on the research server: .*requests/);
    const tasks = await readFile(path.join(workdir, 'plans/tasks.md'), 'utf8');
    expect(tasks).not.toContain(TOKEN);
    expect(`${c.stdout()}${c.stderr()}`).not.toContain(TOKEN);
    const env = JSON.parse(await readFile(path.join(workdir, 'agent-env.json'), 'utf8'));
    expect(JSON.stringify(env)).not.toContain(TOKEN);
    expect(env.WILD_AUTH_TOKEN).toBeUndefined();
    expect(await readFile(path.join(workdir, 'agent-env.json.environ'), 'latin1')).not.toContain(TOKEN);
    expect(env.WILD_SERVER_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.WILD_SERVER_URL).not.toBe(authServer.url);
  });

  it('without the proxy, an agent following the prompt literally fails its preflight against a token server', async () => {
    // The prompt's preflight curl lines carry no X-Auth-Token (WILD_SERVER.md): the agent
    // aborts by itself, and wild-plan reports that as aborted.
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    const code = await runCli(planArgs('--agent-command', agent(), '--no-proxy').concat('--server-url', authServer.url), c.io);
    expect(code).toBe(2);
    expect(c.stdout()).toMatch(/The agent aborted planning/);
    expect(c.stdout()).not.toContain(TOKEN);
  });

  it('refuses with exit 1, before the preflight, a checkout whose git config holds a credential', async () => {
    await promisify(execFile)('git', ['init', '-q', workdir]);
    await promisify(execFile)('git', [
      '-C',
      workdir,
      'config',
      '--local',
      'http.https://github.com/.extraheader',
      'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2Zha2U=',
    ]);
    const before = server.requests.length;
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    const code = await runCli(planArgs('--agent-command', agent()), c.io);
    expect(code).toBe(1);
    expect(c.stderr()).toMatch(
      /^error: The checkout holds a credential the agent could read: http\.https:\/\/github\.com\/\.extraheader in \.git\/config/m,
    );
    expect(c.stderr()).toContain('persist-credentials: false');
    expect(c.stderr()).not.toMatch(/\n\s+at /); // a message, not a stack
    expect(server.requests.slice(before)).toEqual([]);
    await expect(readFile(path.join(workdir, 'plans/tasks.md'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('runs the agent as the user you are unless --isolate; with it, as a user of its own where the machine allows', async () => {
    const plain = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent(), '--json'), plain.io)).toBe(0);
    const report = JSON.parse(plain.stdout());
    expect(report.isolation).toBeNull();
    expect(report.agentStats).toMatchObject({ agent: 'command', wallTimeMs: expect.any(Number) });

    const isolated = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent(), '--isolate', '--json'), isolated.io)).toBe(0);
    const { isolation } = JSON.parse(isolated.stdout());
    expect(isolation.isolated).toBe(canIsolate);
    expect(isolation.reason).toMatch(
      canIsolate ? /^the agent runs as the unprivileged user wild-agent-[0-9a-f]{8} of this run/ : /^the agent runs as this job's user: /,
    );
    // Whoever ran it, the plan is the caller's file afterwards.
    expect(lstatSync(path.join(workdir, 'plans/tasks.md')).uid).toBe(process.getuid!());
  });

  it('fails with exit 1 and the agent error output when the agent crashes', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent('crash')), c.io)).toBe(1);
    expect(c.stderr()).toMatch(/exited with code 3/);
  });

  it('stops an agent that runs past its time limit (exit 1)', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent('hang'), '--agent-timeout-minutes', '0.05'), c.io)).toBe(1);
    expect(c.stderr()).toMatch(/did not finish within .* minutes and was stopped/);
  });

  it('exits 3 when the agent prints garbage and leaves no plan', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent('garbage')), c.io)).toBe(3);
    expect(c.stdout()).toMatch(/no <plan>/);
  });

  it('reads the plan from tasks.md when the agent prints no <plan> tag', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent('no-tag')), c.io)).toBe(0);
  });

  it('asks the agent once more when its plan breaks the contract, and keeps the corrected plan', async () => {
    const c = collector();
    expect(await runCli(planArgs('--agent-command', agent('invalid-then-valid'), '--strict-plan'), c.io), c.stderr()).toBe(0);
    expect(c.stderr()).toMatch(/asking the agent to correct it \(round 1 of 1\)/);
    expect(c.stdout()).toMatch(/PLANNED — Planned: 5 phases/);
  });

  it('reports the findings as invalid when the repair does not fix the plan and strict-plan is on', async () => {
    const c = collector();
    expect(await runCli(planArgs('--agent-command', agent('invalid-plan'), '--strict-plan', '--json'), c.io)).toBe(3);
    const report = JSON.parse(c.stdout());
    expect(report.status).toBe('invalid');
    expect(report.findings.map((f: { rule: string }) => f.rule)).toContain('phase-count');
    const noRepair = collector();
    expect(
      await runCli(planArgs('--agent-command', agent('invalid-then-valid'), '--strict-plan', '--repair-rounds', '0'), noRepair.io),
    ).toBe(3);
  });

  it('explains a bad input instead of running', async () => {
    const c = collector();
    expect(await runCli(['plan', '--goal', 'x', '--server-url', 'not-a-url', '--agent-command', 'a'], c.io)).toBe(1);
    expect(c.stderr()).toMatch(/--server-url must be an http\(s\) URL/);
    expect(c.stderr()).not.toMatch(/input `/);
    const none = collector();
    expect(await runCli(['plan', '--server-url', server.url, '--agent-command', 'a'], none.io)).toBe(1);
    expect(none.stderr()).toMatch(/--goal TEXT or --issue-file FILE/);
    const empty = collector();
    expect(await runCli(['plan', '--goal', '<!-- -->', '--server-url', server.url, '--agent-command', 'a'], empty.io)).toBe(1);
    expect(empty.stderr()).toMatch(/### Goal/);
  });
});

describe('flags named like the action inputs, errors in their terms', () => {
  const base = ['plan', '--goal', 'Tune the LR'];

  it('names the flag, never the action input, in a settings error', async () => {
    const c = collector();
    expect(await runCli([...base, '--server-url', server.url], c.io)).toBe(1);
    expect(c.stderr()).toMatch(/--agent-command is required when --agent is `command`/);
    expect(c.stderr()).toMatch(/--agent opencode, --agent claude-code or --agent codex/);
    expect(c.stderr()).not.toMatch(/input `|set `agent`|`agent:/);
    expect(c.stderr()).not.toMatch(/\n\s+at /);
  });

  it('reaches the agent presets: --agent codex --agent-version and --model are checked and named as flags', async () => {
    const c = collector();
    const args = [...base, '--server-url', server.url, '--agent', 'codex', '--agent-version', '0.0', '--model=-x y'];
    expect(await runCli(args, c.io)).toBe(1);
    expect(c.stderr()).toMatch(/--agent-version "0\.0" must be an exact version like \d+\.\d+\.\d+/);
    expect(c.stderr()).toMatch(/--model "-x y" is not a model name/);
    const opencode = collector();
    const gateway = [...base, '--server-url', server.url, '--agent', 'opencode', '--agent-base-url', 'http://127.0.0.1:9/v1'];
    expect(await runCli(gateway, opencode.io)).toBe(1);
    expect(opencode.stderr()).toMatch(/--model is required for --agent opencode with --agent-base-url/);
  });

  it('takes --agent-env once per name or comma-separated, and refuses a token by its flag', async () => {
    const c = collector();
    const args = [
      ...base,
      '--server-url',
      server.url,
      '--agent',
      'claude-code',
      '--agent-env',
      'ANTHROPIC_API_KEY',
      '--agent-env',
      'GITHUB_TOKEN',
    ];
    expect(await runCli(args, c.io)).toBe(1);
    expect(c.stderr()).toMatch(/--agent-env: refusing to forward GITHUB_TOKEN/);
  });

  it('has a flag for every input that means something locally, and none for the GitHub-only ones', async () => {
    const c = collector();
    expect(await runCli(['plan', '--help'], c.io)).toBe(0);
    for (const name of LOCAL_INPUTS) expect(c.stdout()).toContain(flagOf(name));
    for (const name of ['github-token', 'trigger-label', 'dry-run', 'draft', 'base-branch', 'fail-on-abort', 'write-plan-files']) {
      expect(LOCAL_INPUTS).not.toContain(name);
      expect(c.stdout()).not.toContain(`--${name}`);
    }
    // Boolean inputs are flags without a value, with a --no- form.
    const boolean = LOCAL_INPUTS.filter((name) => isBooleanInput(name));
    expect(boolean).toContain('strict-plan');
    const raw = inputsFromFlags({ 'strict-plan': true, 'no-proxy': true, 'no-strict-plan': undefined }, { cwd: root, env: {} });
    expect(raw).toMatchObject({ 'strict-plan': 'true', 'server-proxy': 'false' });
    expect(inputsFromFlags({ 'no-strict-plan': true }, { cwd: root, env: {} })['strict-plan']).toBe('false');
  });

  it('refuses an action-only input as an unknown flag', async () => {
    const c = collector();
    expect(await runCli([...base, '--server-url', server.url, '--dry-run'], c.io)).toBe(1);
    expect(c.stderr()).toMatch(/Unknown option '--dry-run'/);
    expect(c.stderr()).toMatch(/wild-plan plan --help/);
  });

  it('says the agent program was not found, without a stack trace', async () => {
    const c = collector();
    const code = await runCli(planArgs('--agent-command', 'wild-plan-no-such-agent-7c1 --headless'), c.io);
    expect(code).toBe(1);
    expect(c.stderr()).toMatch(
      /the agent did not start: --agent-command `wild-plan-no-such-agent-7c1`: not found on PATH; install it, or give its full path/,
    );
    expect(c.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('wild-plan itself', () => {
  it('prints its version with --version and -V', async () => {
    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const c = collector();
      expect(await runCli([flag], c.io)).toBe(0);
      expect(c.stdout().trim()).toBe(version);
    }
  });

  it('prints the help and exits 0 with no command', async () => {
    const c = collector();
    expect(await runCli([], c.io)).toBe(0);
    expect(c.stdout()).toMatch(/^Usage: wild-plan <command>/);
    expect(c.stdout()).toMatch(/--version/);
    expect(c.stderr()).toBe('');
  });

  it('prints an unexpected error without its stack, and with it under --debug', async () => {
    // A bug stand-in: writing the help fails with an error no command expects.
    const failing = (sink: string[]): CliIo => ({
      ...collector().io,
      stdout: () => {
        throw new TypeError('stdout on fire');
      },
      stderr: (t) => sink.push(t),
    });
    const plain: string[] = [];
    expect(await runCli(['plan', '--help'], failing(plain))).toBe(1);
    expect(plain.join('\n')).toMatch(/stdout on fire\n\(unexpected: run again with --debug/);
    expect(plain.join('\n')).not.toMatch(/\n\s+at /);
    const debug: string[] = [];
    expect(await runCli(['plan', '--debug', '--help'], failing(debug))).toBe(1);
    expect(debug.join('\n')).toMatch(/TypeError: stdout on fire\n\s+at /);
  });
});

describe('wild-plan render and validate', () => {
  it('renders the prompt with the live API catalog and no secret', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(['render', '--goal', 'Tune the LR', '--server-url', server.url, '--workdir', workdir], c.io)).toBe(0);
    expect(c.stdout()).toMatch(/Tune the LR/);
    expect(c.stdout()).toContain(`\`POST ${server.url}/sweeps/wild\``);
    expect(c.stdout()).not.toContain('X-Auth-Token'); // the proxy adds it
    expect(c.stdout()).not.toContain(TOKEN);
    const direct = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(
      await runCli(['render', '--goal', 'Tune the LR', '--server-url', server.url, '--workdir', workdir, '--no-proxy'], direct.io),
    ).toBe(0);
    expect(direct.stdout()).toContain('-H "X-Auth-Token: $WILD_AUTH_TOKEN"');
    expect(direct.stdout()).not.toContain(TOKEN);
  });

  it('validates a plan file the plan command wrote', async () => {
    const c = collector({ WILD_SERVER_TOKEN: TOKEN });
    expect(await runCli(planArgs('--agent-command', agent()), c.io)).toBe(0);
    const v = collector();
    expect(await runCli(['validate', path.join(workdir, 'plans/tasks.md'), '--json'], v.io)).toBe(0);
    expect(JSON.parse(v.stdout())).toMatchObject({ valid: true, abort: false });
  });

  it('prints help for each command', async () => {
    for (const command of ['plan', 'render', 'validate']) {
      const c = collector();
      expect(await runCli([command, '--help'], c.io)).toBe(0);
      expect(c.stdout()).toMatch(new RegExp(`wild-plan ${command}`));
    }
  });
});

describe('the built CLI', () => {
  it('prints its version from anywhere', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'dist/cli.js'), '--version'], { cwd: os.tmpdir() });
    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(stdout.trim()).toBe(version);
  });

  it('runs from dist/cli.js as a process', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'dist/cli.js'), ...planArgs('--agent-command', agent(), '--json')],
      { cwd: root, env: { PATH: process.env.PATH, HOME: os.tmpdir(), WILD_SERVER_TOKEN: TOKEN } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ status: 'planned' });
  });
});

describe('the shipped prompt', () => {
  it('is the seed, byte for byte', async () => {
    const shipped = await readFile(path.join(root, 'prompts/wild_v2_planning.md'));
    const seed = await readFile(path.join(root, '../shared/seeds/000_4a1178e440f31062.txt')).catch(() => null);
    // CI lays shared/ beside the clone; elsewhere the committed digest stands in for it.
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(shipped).digest('hex')).toBe(SEED_SHA256);
    if (seed) expect(shipped.equals(seed)).toBe(true);
  });
});

const SEED_SHA256 = '818e8264fd4b96ca0524aecd3a745dfefa1326da71f0993784328ba88776d3eb';
