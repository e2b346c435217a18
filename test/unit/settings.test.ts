import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings, SettingsError, tasksPathFor, type RawInputs } from '../../src/settings.js';

const workspace = '/work/repo';
const valid: RawInputs = { 'server-url': 'https://wild.example.org/', 'agent-command': 'my-agent --headless' };

function errorOf(raw: RawInputs): string {
  try {
    parseSettings(raw, workspace);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected a SettingsError');
}

describe('settings', () => {
  it('fills in the documented defaults', () => {
    const s = parseSettings(valid, workspace);
    expect(s).toMatchObject({
      serverUrl: 'https://wild.example.org',
      triggerLabel: 'wild-plan',
      agent: 'command',
      agentTimeoutMs: 20 * 60_000,
      tasksPathTemplate: '.wild/plans/issue-{number}/tasks.md',
      prompt: undefined,
      promptFile: undefined,
      evoSweep: false,
      promptVariables: {},
      preflightTimeoutMs: 10_000,
      dryRun: false,
      failOnAbort: true,
      strictPlan: false,
      draft: false,
      workspace,
    });
    expect(s.serverToken).toBeUndefined();
  });

  it('treats blank inputs (as GitHub passes unset ones) as defaults', () => {
    const s = parseSettings({ ...valid, 'server-token': '', 'dry-run': ' ', 'agent-timeout-minutes': '' }, workspace);
    expect(s.serverToken).toBeUndefined();
    expect(s.dryRun).toBe(false);
    expect(s.agentTimeoutMs).toBe(20 * 60_000);
  });

  it('reads booleans and numbers', () => {
    const s = parseSettings({ ...valid, 'dry-run': 'TRUE', 'fail-on-abort': 'false', 'agent-timeout-minutes': '2.5' }, workspace);
    expect(s.dryRun).toBe(true);
    expect(s.failOnAbort).toBe(false);
    expect(s.agentTimeoutMs).toBe(150_000);
  });

  it.each([
    [{ 'server-url': undefined }, /`server-url` is required/],
    [{ 'server-url': 'wild.example.org' }, /`server-url` must be an http\(s\) URL/],
    [{ 'server-url': 'ftp://wild.example.org' }, /`server-url` must be an http\(s\) URL/],
    [{ 'server-url': 'https://user:secret@wild.example.org' }, /without credentials/],
    [{ 'dry-run': 'maybe' }, /`dry-run` must be true or false \(got "maybe"\)/],
    [{ 'agent-timeout-minutes': '0' }, /`agent-timeout-minutes` must be a number from 0.05 to 360/],
    [{ 'preflight-timeout-seconds': 'ten' }, /`preflight-timeout-seconds` must be a number/],
    [{ agent: 'gpt' }, /`agent` must be one of: command, opencode, claude-code, codex/],
    [{ 'agent-command': '' }, /`agent-command` is required when `agent` is `command`/],
  ])('rejects %j with a message naming the input', (patch, message) => {
    expect(errorOf({ ...valid, ...patch })).toMatch(message);
  });

  it('lists every bad input at once', () => {
    const message = errorOf({ 'server-url': 'nope', 'dry-run': 'x', 'agent-command': 'a' });
    expect(message).toMatch(/server-url/);
    expect(message).toMatch(/dry-run/);
  });

  it('takes a relative tasks path with `{number}` in it, without `.` segments', () => {
    const s = parseSettings({ ...valid, 'tasks-path': './plans/{number}.md' }, workspace);
    expect(s.tasksPathTemplate).toBe('plans/{number}.md');
    expect(tasksPathFor(s, 12)).toBe('plans/12.md');
    expect(tasksPathFor(s, undefined)).toBe('plans/local.md');
    expect(parseSettings({ ...valid, 'tasks-path': 'research/issue-{number}/PLAN.MD' }, workspace).tasksPathTemplate).toBe(
      'research/issue-{number}/PLAN.MD',
    );
  });

  it('resolves a custom prompt file against the workspace', () => {
    expect(parseSettings({ ...valid, 'prompt-file': 'prompts/mine.md' }, workspace).promptFile).toBe('/work/repo/prompts/mine.md');
  });
});

describe('the tasks-path input', () => {
  // Each rule refuses with one line naming the input, quoting the value and saying why, plus an example.
  const refusal = (tasksPath: string) => {
    const message = errorOf({ ...valid, 'tasks-path': tasksPath });
    expect(message.split('\n')).toHaveLength(2);
    expect(message).toContain(`input \`tasks-path\` ${JSON.stringify(tasksPath)} `);
    expect(message).toContain('e.g. .wild/plans/issue-{number}/tasks.md');
    return message;
  };

  it('refuses an absolute path, even one inside the workspace', () => {
    expect(refusal('/etc/tasks.md')).toContain('is absolute; give it relative to the workspace');
    expect(refusal(path.join(workspace, 'plans/{number}.md'))).toContain('is absolute');
    expect(refusal('C:/plans/tasks.md')).toContain('is absolute');
  });

  it('refuses a ".." segment', () => {
    expect(refusal('../outside/tasks.md')).toContain('must stay inside the workspace (no ".." segments)');
    expect(refusal('plans/../../tasks.md')).toContain('no ".." segments');
  });

  it('refuses a backslash', () => {
    expect(refusal('plans\\tasks.md')).toContain('uses "\\"; separate folders with "/"');
  });

  it('refuses control and invisible characters', () => {
    expect(refusal('plans/tasks\n.md')).toContain('contains a control or invisible character');
    expect(refusal('plans/\u0000tasks.md')).toContain('contains a control or invisible character');
    expect(refusal('.g\u200cit/tasks.md')).toContain('contains a control or invisible character');
  });

  it('refuses empty segments', () => {
    expect(refusal('plans//tasks.md')).toContain('has an empty segment');
    expect(refusal('plans/tasks.md/')).toContain('has an empty segment');
  });

  it('refuses a path into .git, in any case', () => {
    expect(refusal('.git/hooks/tasks.md')).toContain("points into .git, git's own directory");
    expect(refusal('plans/.GIT/tasks.md')).toContain('points into .git');
  });

  it('refuses a path into .github, so a plan can never become a workflow', () => {
    expect(refusal('.github/workflows/plan-{number}.yml')).toContain('points into .github, where workflows');
    expect(refusal('.github/plans/tasks.md')).toContain('points into .github');
    expect(refusal('docs/.GitHub/tasks.md')).toContain('points into .github');
  });

  it('refuses a git file name (.gitattributes, .gitmodules, .gitignore)', () => {
    for (const name of ['.gitattributes', '.gitmodules', '.gitignore', 'plans/.gitignore.md', 'plans/.GitKeep.md']) {
      expect(refusal(name)).toContain('names a git file');
    }
  });

  it('refuses a file that is not Markdown', () => {
    for (const name of ['plans/tasks.yml', 'plans/run.sh', 'plans/tasks', 'plans/tasks.md.txt', 'plans/{number}']) {
      expect(refusal(name)).toContain('must name a Markdown file ending in .md');
    }
  });

  it("refuses the playbook's own file name", () => {
    expect(refusal('plans/prompt_skill_playbook.md')).toContain(
      'must not be named prompt_skill_playbook.md: wild-plan writes the playbook beside the tasks file',
    );
    expect(refusal('Prompt_Skill_Playbook.MD')).toContain('must not be named prompt_skill_playbook.md');
  });

  it('keeps the default and other plain paths', () => {
    for (const ok of [
      '.wild/plans/issue-{number}/tasks.md',
      'tasks.md',
      'docs/plans/{number}-plan.md',
      '.wild/github/tasks.md',
      'git/tasks.md',
    ]) {
      expect(parseSettings({ ...valid, 'tasks-path': ok }, workspace).tasksPathTemplate).toBe(ok);
    }
  });
});

describe('agent settings', () => {
  const preset = { 'server-url': 'https://wild.example.org' };

  it('reads the agent inputs for a preset, with the CLI defaults left to the preset', () => {
    const s = parseSettings(
      { ...preset, agent: 'Claude-Code', 'agent-env': 'ANTHROPIC_API_KEY\n  HTTPS_PROXY, NO_PROXY\n\nANTHROPIC_API_KEY' },
      workspace,
    );
    expect(s).toMatchObject({ agent: 'claude-code', agentEnv: ['ANTHROPIC_API_KEY', 'HTTPS_PROXY', 'NO_PROXY'] });
    expect(s.agentVersion).toBeUndefined();
    expect(s.model).toBeUndefined();
    expect(s.agentBaseUrl).toBeUndefined();
  });

  it('takes a version, a model and a base URL (trailing slash dropped)', () => {
    const s = parseSettings(
      { ...preset, agent: 'codex', 'agent-version': '0.170.1', model: 'gpt-5.1-codex', 'agent-base-url': 'https://llm.example.org/v1/' },
      workspace,
    );
    expect(s).toMatchObject({ agentVersion: '0.170.1', model: 'gpt-5.1-codex', agentBaseUrl: 'https://llm.example.org/v1', agentEnv: [] });
  });

  it('needs no agent-command for a preset, and forwards agent-env for a command agent too', () => {
    expect(parseSettings({ ...preset, agent: 'opencode' }, workspace).agentCommand).toBeUndefined();
    expect(parseSettings({ ...valid, 'agent-env': 'MY_AGENT_KEY' }, workspace).agentEnv).toEqual(['MY_AGENT_KEY']);
  });

  it.each([
    [{ agent: 'codex', 'agent-env': 'GITHUB_TOKEN' }, /`agent-env`: refusing to forward GITHUB_TOKEN/],
    [{ agent: 'codex', 'agent-env': 'INPUT_SERVER-TOKEN' }, /`agent-env` must list environment variable names.*"INPUT_SERVER-TOKEN"/],
    [{ agent: 'codex', 'agent-env': 'ACTIONS_RUNTIME_TOKEN' }, /refusing to forward ACTIONS_RUNTIME_TOKEN/],
    [{ agent: 'codex', 'agent-version': 'latest' }, /`agent-version` "latest" must be an exact version like 0\.169\.0/],
    [
      { agent: 'opencode', 'agent-base-url': 'https://llm.example.org/v1' },
      /`model` is required for `agent: opencode` with `agent-base-url`/,
    ],
    [{ agent: 'opencode', model: 'gpt-4.1' }, /`model` "gpt-4.1" must be provider\/model for OpenCode/],
    [{ agent: 'claude-code', 'agent-base-url': 'ftp://llm' }, /`agent-base-url` must be an http\(s\) URL without credentials/],
    [
      { agent: 'claude-code', 'agent-base-url': 'https://u:p@llm.example.org' },
      /`agent-base-url` must be an http\(s\) URL without credentials/,
    ],
  ])('rejects %j with a message naming the input', (patch, message) => {
    expect(errorOf({ ...preset, ...patch })).toMatch(message);
  });
});
