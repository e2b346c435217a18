import { describe, expect, it } from 'vitest';
import { AgentEnvError, buildAgentEnv, deniedEnvReason } from '../../src/sandbox/environment.js';

const runnerEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/runner',
  LANG: 'C.UTF-8',
  TZ: 'UTC',
  TMPDIR: '/tmp',
  NODE_EXTRA_CA_CERTS: '/etc/ssl/corp.pem',
  GITHUB_TOKEN: 'ghs_sentinel_workflow_token',
  'INPUT_GITHUB-TOKEN': 'ghs_sentinel_input_token',
  INPUT_SERVER_URL: 'https://wild.example',
  ACTIONS_RUNTIME_TOKEN: 'sentinel_runtime_token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'sentinel_oidc_token',
  ACTIONS_CACHE_URL: 'https://artifactcache.example/sentinel',
  RUNNER_TEMP: '/home/runner/work/_temp',
  GITHUB_ENV: '/home/runner/work/_temp/_runner_file_commands/set_env',
  AWS_SECRET_ACCESS_KEY: 'sentinel_aws',
  OPENAI_API_KEY: 'sk-sentinel',
};

describe('buildAgentEnv', () => {
  it('keeps only the allow-listed runner variables', () => {
    const env = buildAgentEnv(runnerEnv, {});
    expect(env).toMatchObject({
      PATH: '/usr/bin:/bin',
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/tmp',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/corp.pem',
    });
    const leaked = Object.values(env).filter((value) => value.includes('sentinel'));
    expect(leaked).toEqual([]);
    for (const name of ['GITHUB_TOKEN', 'INPUT_SERVER_URL', 'RUNNER_TEMP', 'GITHUB_ENV', 'OPENAI_API_KEY']) {
      expect(env).not.toHaveProperty(name);
    }
  });

  it('marks the session non-interactive and colourless, which the runner may override', () => {
    expect(buildAgentEnv(runnerEnv, {})).toMatchObject({ CI: 'true', NO_COLOR: '1' });
    expect(buildAgentEnv(runnerEnv, { CI: 'false' }).CI).toBe('false');
  });

  it('adds the runner-supplied variables, which win over the parent', () => {
    const env = buildAgentEnv(runnerEnv, { WILD_TASKS_PATH: '/w/tasks.md', HOME: '/tmp/agent-home' });
    expect(env.WILD_TASKS_PATH).toBe('/w/tasks.md');
    expect(env.HOME).toBe('/tmp/agent-home');
  });

  it('forwards explicitly named variables, and skips names the parent lacks', () => {
    const env = buildAgentEnv(runnerEnv, {}, ['OPENAI_API_KEY', 'RUNNER_TEMP', 'NOT_SET_ANYWHERE']);
    expect(env.OPENAI_API_KEY).toBe('sk-sentinel');
    expect(env.RUNNER_TEMP).toBe('/home/runner/work/_temp');
    expect(env).not.toHaveProperty('NOT_SET_ANYWHERE');
  });

  it.each([
    ['GITHUB_TOKEN', /GitHub token/],
    ['GH_TOKEN', /GitHub token/],
    ['INPUT_GITHUB-TOKEN', /action inputs/],
    ['input_server_url', /action inputs/],
    ['ACTIONS_RUNTIME_TOKEN', /runtime, cache and OIDC/],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', /runtime, cache and OIDC/],
    ['github_token', /GitHub token/],
    ['GITHUB_ENV', /later workflow steps/],
  ])('refuses to forward %s and says why', (name, why) => {
    const attempt = () => buildAgentEnv(runnerEnv, {}, [name]);
    expect(attempt).toThrow(AgentEnvError);
    expect(attempt).toThrow(name);
    expect(attempt).toThrow(why);
    expect(attempt).toThrow(/must hold no secret/);
  });

  it('refuses deny-listed names set by the runner too, so a wiring mistake cannot leak a token', () => {
    expect(() => buildAgentEnv(runnerEnv, { GITHUB_TOKEN: 'x' })).toThrow(/refusing to set GITHUB_TOKEN/);
    expect(() => buildAgentEnv(runnerEnv, { INPUT_TOKEN: 'x' })).toThrow(AgentEnvError);
  });

  it('rejects names and values a process environment cannot hold', () => {
    expect(() => buildAgentEnv(runnerEnv, { 'A=B': 'x' })).toThrow(/not a valid variable name/);
    expect(() => buildAgentEnv(runnerEnv, { GOOD: 'a\0b' })).toThrow(/NUL/);
    expect(() => buildAgentEnv(runnerEnv, {}, [''])).toThrow(/not a valid variable name/);
  });
});

describe('deniedEnvReason', () => {
  it('lets ordinary names through', () => {
    expect(deniedEnvReason('PATH')).toBeUndefined();
    expect(deniedEnvReason('WILD_AUTH_TOKEN')).toBeUndefined();
    expect(deniedEnvReason('GITHUB_WORKSPACE')).toBeUndefined();
  });
});
