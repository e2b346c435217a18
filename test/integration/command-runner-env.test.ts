import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/agent/command.js';
import { AgentEnvError } from '../../src/sandbox/environment.js';

const AGENT = fileURLToPath(new URL('../support/scripted-agent.mjs', import.meta.url));
const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(AGENT)} --mode env-dump`;

// What GitHub gives an action's process: all of it must stay out of the agent.
const SECRETS: Record<string, string> = {
  GITHUB_TOKEN: 'ghs_SENTINEL_workflow_token',
  'INPUT_GITHUB-TOKEN': 'ghs_SENTINEL_input_token',
  'INPUT_SERVER-TOKEN': 'SENTINEL_wild_server_token',
  ACTIONS_RUNTIME_TOKEN: 'SENTINEL_runtime_token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'SENTINEL_oidc_token',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/SENTINEL',
  ACTIONS_CACHE_URL: 'https://cache.example/SENTINEL',
  ACTIONS_RESULTS_URL: 'https://results.example/SENTINEL',
  RUNNER_TRACKING_ID: 'SENTINEL_tracking',
  GITHUB_ENV: '/tmp/SENTINEL_set_env',
  SOME_OTHER_SECRET: 'SENTINEL_other',
};

let workdir: string;
let saved: NodeJS.ProcessEnv;

beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'wild-env-'));
  saved = { ...process.env };
  Object.assign(process.env, SECRETS, { WILD_TEST_FORWARDED: 'forwarded-value' });
});

afterEach(async () => {
  process.env = saved;
  await rm(workdir, { recursive: true, force: true });
});

const request = (env: Record<string, string> = {}) => ({
  prompt: `## Goal\n\nCheck the environment\n\n---\n\nIMPORTANT: Your working directory is \`${workdir}\`.\n`,
  workdir,
  env: { WILD_ENV_DUMP: join(workdir, 'env.json'), ...env },
  timeoutMs: 20_000,
});

describe('the agent environment', () => {
  it('holds none of the runner secrets, only the allow-list, forwarded names and the run variables', async () => {
    const runner = new CommandRunner({ command, forwardEnv: ['WILD_TEST_FORWARDED'] });
    const result = await runner.run(request({ WILD_TASKS_PATH: join(workdir, 'plan', 'tasks.md') }));

    expect(result.exitCode).toBe(0);
    const dumpText = readFileSync(join(workdir, 'env.json'), 'utf8');
    expect(dumpText).not.toContain('SENTINEL');
    const dump = JSON.parse(dumpText) as Record<string, string>;
    for (const name of Object.keys(SECRETS)) expect(dump).not.toHaveProperty(name);
    expect(dump.PATH).toBe(process.env.PATH);
    expect(dump.WILD_TEST_FORWARDED).toBe('forwarded-value');
    expect(dump.WILD_TASKS_PATH).toBe(join(workdir, 'plan', 'tasks.md'));
    expect(dump.WILD_PROMPT_FILE).toMatch(/prompt\.md$/);
    expect(result.transcript).not.toContain('SENTINEL');
  });

  it('refuses, when configured, to forward a token to the agent', () => {
    for (const name of ['GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'INPUT_GITHUB-TOKEN']) {
      expect(() => new CommandRunner({ command, forwardEnv: [name] })).toThrow(AgentEnvError);
      expect(() => new CommandRunner({ command, forwardEnv: [name] })).toThrow(`refusing to forward ${name}`);
    }
  });

  it('refuses a token placed in the run variables, before starting the agent', async () => {
    const runner = new CommandRunner({ command });
    await expect(runner.run(request({ GITHUB_TOKEN: 'ghs_x' }))).rejects.toThrow(AgentEnvError);
    expect(() => readFileSync(join(workdir, 'env.json'))).toThrow();
  });
});
