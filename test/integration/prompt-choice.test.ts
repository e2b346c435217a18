// Which planning prompt a run uses, against the Wild server fake serving one version or another:
// `auto` takes the server's own skill when it can render it and falls back with a notice when it
// cannot; `server`, `bundled` and a path do what they say; every declared variable is supplied
// as the engine supplies it, and wild-plan's render equals the server's own, byte for byte.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGoal } from '../../src/goal.js';
import { streamLog } from '../../src/log.js';
import { composePrompt, memoriesFor, PromptError, resolvePrompt, type ResolvedPrompt } from '../../src/planning/prompt.js';
import { buildPromptValues, selectValues } from '../../src/prompt/variables.js';
import { parseSettings, type RawInputs, type Settings } from '../../src/settings.js';
import { startWildServer, type FakeMemory, type WildServerFake, type WildServerOptions } from '../support/wild-server.js';

const HEAD_MD = readFileSync(new URL('../fixtures/wild/versions/wild_v2_planning.head.md', import.meta.url), 'utf8');
/** The newest version as a team edited it: one more variable of its own, placed in the text. */
const WITH_LAB = HEAD_MD.replace('  - evo_sweep_section\n', '  - evo_sweep_section\n  - lab_name\n').replace(
  '## Project Root',
  'Lab: {{lab_name}}\n\n## Project Root',
);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(wildOptions: WildServerOptions, inputs: RawInputs = {}) {
  const wild = await startWildServer(wildOptions);
  cleanups.push(() => wild.stop());
  const workspace = await mkdtemp(join(tmpdir(), 'wild-prompt-'));
  cleanups.push(() => rm(workspace, { recursive: true, force: true }));
  const settings = parseSettings({ 'server-url': wild.url, 'agent-command': 'true', ...inputs }, workspace);
  const warnings: string[] = [];
  const log = streamLog((line) => {
    if (line.startsWith('warning: ')) warnings.push(line);
  });
  return { wild, settings, workspace, warnings, log };
}

const planningRequests = (wild: WildServerFake) => wild.requests.filter((r) => r.path === '/prompt-skills/wild_v2_planning');

function render(settings: Settings, prompt: ResolvedPrompt, serverUrl: string, memories = ''): string {
  return composePrompt(settings, prompt, {
    goal: buildGoal({ title: 'Calibration', body: 'Does label smoothing help calibration under shift?' }),
    sessionId: 'wild-0a1b2c3d',
    tasksFile: '/work/repo/.wild/tasks.md',
    workdir: '/work/repo',
    serverUrl,
    auth: { kind: 'proxy' },
    memories,
  });
}

describe('prompt: auto (the default)', () => {
  it("plans with the server's live skill, the newest version, and says which it is", async () => {
    const { wild, settings, warnings, log } = await setup({ planning: 'head' });
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used).toMatchObject({ source: 'server', skillId: 'wild_v2_planning', version: 'upstream ce2938d', notice: null });
    expect(prompt.used.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(prompt.contract.protocolSkillId).toBe('wild_v2_execution_ops_protocol');
    expect(planningRequests(wild)).toHaveLength(1);
    expect(warnings).toEqual([]);
    const text = render(settings, prompt, wild.url);
    expect(text).toContain(`curl -sf ${wild.url}/prompt-skills/wild_v2_execution_ops_protocol >/dev/null`);
    expect(text).toContain('"chat_session_id": "wild-0a1b2c3d"');
  });

  it('falls back to the bundled prompt, with a notice, when the server serves no planning skill', async () => {
    const { settings, warnings, log } = await setup({ planning: 'absent' });
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used).toMatchObject({ source: 'bundled', version: expect.stringContaining('bundled') as unknown });
    expect(prompt.used.notice).toBe("Planned with wild-plan's bundled prompt: the server serves no `wild_v2_planning` skill.");
    expect(warnings).toEqual([`warning: ${prompt.used.notice}`]);
    expect(prompt.contract.protocolSkillId).toBe('wild_v2_sweep_run_audit_protocol');
  });

  it('falls back, naming the variable, when the live skill declares one nobody supplies', async () => {
    const { settings, log } = await setup({ planning: { skillMd: WITH_LAB } });
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used.source).toBe('bundled');
    expect(prompt.used.notice).toContain('declares `lab_name`, which nothing supplies (set it in `prompt-variables`)');
  });

  it('takes that skill once `prompt-variables` supplies the variable, and renders its value where the team placed it', async () => {
    const { wild, settings, log } = await setup({ planning: { skillMd: WITH_LAB } }, { 'prompt-variables': 'lab_name: vision\n' });
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used).toMatchObject({ source: 'server', version: null, notice: null });
    expect(render(settings, prompt, wild.url)).toContain('Lab: vision\n\n## Project Root');
  });

  it('falls back when the server cannot be reached, so the preflight can say so in its own words', async () => {
    const { wild, settings, log } = await setup({ planning: 'head' });
    await wild.setFault('*', { kind: 'down' });
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used.source).toBe('bundled');
    expect(prompt.used.notice).toMatch(/could not be read/);
  });
});

describe('prompt: server, bundled, a path', () => {
  it('server: fails before anything runs when the server has no planning skill, saying what to do', async () => {
    const { settings, log } = await setup({ planning: 'absent' }, { prompt: 'server' });
    const error = await resolvePrompt(settings, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptError);
    expect((error as Error).message).toBe(
      '`prompt: server`, but the server serves no `wild_v2_planning` skill. Use `prompt: auto` to fall back to the bundled prompt.',
    );
  });

  it('server: fails naming the variable and the input that would supply it', async () => {
    const { settings, log } = await setup({ planning: { skillMd: WITH_LAB } }, { prompt: 'server' });
    await expect(resolvePrompt(settings, log)).rejects.toThrow(/declares `lab_name`.*`prompt-variables`/);
  });

  it('bundled: never asks the server for its prompt, even when it serves the newest one', async () => {
    const { wild, settings, log } = await setup({ planning: 'head' }, { prompt: 'bundled' });
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used).toMatchObject({ source: 'bundled', notice: null });
    expect(planningRequests(wild)).toHaveLength(0);
  });

  it('a path: the file, named as given, and its declared variables checked before the agent runs', async () => {
    const { wild, settings, workspace, log } = await setup({ planning: 'head' }, { prompt: 'prompts/ours.md' });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(workspace, 'prompts'));
    await writeFile(join(workspace, 'prompts/ours.md'), WITH_LAB);
    const error = await resolvePrompt(settings, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptError);
    expect((error as Error).message).toMatch(/declares `lab_name`, which wild-plan does not supply: give it a value in `prompt-variables`/);

    const supplied = parseSettings(
      { 'server-url': wild.url, 'agent-command': 'true', prompt: 'prompts/ours.md', 'prompt-variables': 'lab_name: nlp' },
      workspace,
    );
    const prompt = await resolvePrompt(supplied, log);
    expect(prompt.used).toMatchObject({ source: 'file', path: 'prompts/ours.md', version: null });
    expect(planningRequests(wild)).toHaveLength(0);
  });

  it('a mistyped keyword reads as a missing file and the message lists the keywords', async () => {
    const { settings, log } = await setup({}, { prompt: 'sever' });
    await expect(resolvePrompt(settings, log)).rejects.toThrow(/`prompt` takes auto, server, bundled, or a path/);
  });

  it('`prompt-file` still works, and conflicts with a different `prompt`', async () => {
    const { settings, workspace, log } = await setup({}, { 'prompt-file': 'mine.md' });
    await writeFile(join(workspace, 'mine.md'), HEAD_MD);
    expect((await resolvePrompt(settings, log)).used).toMatchObject({ source: 'file', path: 'mine.md', version: 'upstream ce2938d' });
    const both = parseSettings(
      { 'server-url': settings.serverUrl, 'agent-command': 'true', 'prompt-file': 'mine.md', prompt: 'bundled' },
      workspace,
    );
    await expect(resolvePrompt(both, log)).rejects.toThrow('`prompt` and `prompt-file` are both set');
  });
});

describe('prompt-variables', () => {
  it.each([
    ['server_url: http://attacker.example', /sets "server_url", which wild-plan supplies itself/],
    ['budget: 40', /"budget" must be a string: quote it/],
    ['- a\n- b', /must be a YAML map/],
    ['"bad name": x', /is not a variable name/],
  ])('refuses %j with a message naming the input', (value, message) => {
    expect(() => parseSettings({ 'server-url': 'http://x', 'agent-command': 'true', 'prompt-variables': value }, '/tmp')).toThrow(message);
    expect(() => parseSettings({ 'server-url': 'http://x', 'agent-command': 'true', 'prompt-variables': value }, '/tmp')).toThrow(
      /input `prompt-variables`/,
    );
  });
});

describe('memories', () => {
  const bank: FakeMemory[] = [
    { title: 'Warm up the LR', content: 'Use 500 warmup steps; more hurt.', tags: ['training'] },
    { title: 'Old lesson', content: 'Superseded.', is_active: false },
    { title: 'Seeds matter', content: 'Seeds matter' },
  ];

  it("fills `memories` from the server's active memories, formatted as the engine does", async () => {
    const { wild, settings, log } = await setup({ planning: 'head', memories: bank });
    const prompt = await resolvePrompt(settings, log);
    const memories = await memoriesFor(settings, prompt, log);
    expect(memories).toBe(
      '## Memory Bank (Lessons & Context from Past Sessions)\n\n1. **[training]** Warm up the LR\n   Use 500 warmup steps; more hurt.\n2. **[general]** Seeds matter',
    );
    expect(wild.requests.filter((r) => r.path === '/memories').map((r) => r.query)).toEqual(['?active_only=true']);
  });

  it('gives an empty bank for a server with none, and for a server without the endpoint (404), without a warning', async () => {
    for (const memories of [[], 'absent'] as Array<FakeMemory[] | 'absent'>) {
      const { settings, warnings, log } = await setup({ planning: 'head', memories });
      expect(await memoriesFor(settings, await resolvePrompt(settings, log), log)).toBe('');
      expect(warnings).toEqual([]);
    }
  });

  it('does not ask for memories when the prompt in use does not declare them', async () => {
    const { wild, settings, log } = await setup({ memories: bank });
    expect(await memoriesFor(settings, await resolvePrompt(settings, log), log)).toBe('');
    expect(wild.requests.filter((r) => r.path === '/memories')).toHaveLength(0);
  });
});

describe("byte parity with the server's own render", () => {
  it.each(['shipped', 'head'] as const)('%s version: the same values give the same bytes', async (planning) => {
    const { wild, settings, log } = await setup(
      { planning, memories: [{ title: 'Seeds matter', content: 'Use 3 seeds.' }] },
      { 'evo-sweep': 'true' },
    );
    const prompt = await resolvePrompt(settings, log);
    expect(prompt.used.source).toBe('server');
    const memories = await memoriesFor(settings, prompt, log);
    const own = buildPromptValues({
      // `$&` stays literal on both sides. (A value holding `{{name}}` is where the two differ on
      // purpose: the server deletes it as a leftover placeholder, wild-plan keeps the user's words.)
      goal: 'Beat the $& baseline by 5% /w',
      workdir: '/work/repo',
      tasksPath: '/work/repo/.wild/tasks.md',
      serverUrl: wild.url,
      sessionId: 'wild-0a1b2c3d',
      steer: 'Only one GPU.',
      apiCatalog: '### Runs\n- `GET /runs`',
      auth: { kind: 'env', envVar: 'WILD_AUTH_TOKEN' },
      memories,
      evoSweep: true,
    });
    // The engine sends all of its values whatever the template declares; the server ignores the rest.
    const response = await fetch(`${wild.url}/prompt-skills/wild_v2_planning/render`, { method: 'POST', body: JSON.stringify(own) });
    const { rendered } = (await response.json()) as { rendered: string };
    const { renderPrompt } = await import('../../src/prompt/render.js');
    const ours = renderPrompt(prompt.template, selectValues(prompt.template.variables, own).values);
    expect(ours).toBe(rendered);
    if (planning === 'head') {
      expect(ours).toContain('## Evolutionary sweeps are available');
      expect(ours).toContain('"chat_session_id": "wild-0a1b2c3d"');
    }
  });
});
