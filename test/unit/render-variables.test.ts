import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPrompt } from '../../src/prompt/render.js';
import { parseTemplate } from '../../src/prompt/template.js';
import {
  authHeaderValue,
  buildPromptValues,
  buildSteerSection,
  newSessionId,
  selectValues,
  type PromptValuesInput,
} from '../../src/prompt/variables.js';

const PROMPT = parseTemplate(readFileSync(new URL('../../prompts/wild_v2_planning.md', import.meta.url), 'utf8'));

const input: PromptValuesInput = {
  goal: 'Label smoothing vs calibration',
  workdir: '/work/repo',
  tasksPath: '/work/repo/.wild/tasks.md',
  serverUrl: 'https://wild.example.org/',
  sessionId: 'wild-0a1b2c3d',
  steer: '',
  apiCatalog: '### Runs\n- `GET  https://wild.example.org/runs`',
  auth: { kind: 'env', envVar: 'WILD_AUTH_TOKEN' },
};

/** The shipped prompt rendered with wild-plan's own values, as the run renders it. */
const render = (values: Record<string, string>) => renderPrompt(PROMPT, selectValues(PROMPT.variables, values).values);

describe('buildPromptValues', () => {
  it('fills every variable the shipped prompt declares, and only those reach it', () => {
    const { values, missing } = selectValues(PROMPT.variables, buildPromptValues(input));
    expect(missing).toEqual([]);
    expect(Object.keys(values).sort()).toEqual([...PROMPT.variables].sort());
    expect(values).toEqual({
      goal: input.goal,
      workdir: '/work/repo',
      tasks_path: '/work/repo/.wild/tasks.md',
      server_url: 'https://wild.example.org',
      session_id: 'wild-0a1b2c3d',
      steer_section: '',
      api_catalog: input.apiCatalog,
      auth_header: '-H "X-Auth-Token: $WILD_AUTH_TOKEN"',
    });
  });

  it('renders a prompt whose curl calls read the token from the agent environment', () => {
    const prompt = render(buildPromptValues(input));
    expect(prompt).not.toMatch(/\{\{\w+\}\}/);
    expect(prompt).toContain('curl -sf https://wild.example.org/docs >/dev/null');
    expect(prompt).toContain(
      'curl -X POST https://wild.example.org/sweeps/wild \\\n  -H "Content-Type: application/json" \\\n  -H "X-Auth-Token: $WILD_AUTH_TOKEN" \\',
    );
    expect(prompt.match(/-H "X-Auth-Token: \$WILD_AUTH_TOKEN"/g)).toHaveLength(2);
  });

  it('leaves the header out behind the proxy', () => {
    const prompt = render(buildPromptValues({ ...input, serverUrl: 'http://127.0.0.1:40111', auth: { kind: 'proxy' } }));
    expect(prompt).not.toContain('X-Auth-Token');
    expect(prompt).toContain('curl -X POST http://127.0.0.1:40111/runs \\\n  -H "Content-Type: application/json" \\\n   \\\n');
  });

  it('puts the steer text in a User Context section right after the goal', () => {
    const prompt = render(buildPromptValues({ ...input, steer: 'Only use one GPU.' }));
    expect(prompt).toContain(
      '## Goal\n\nLabel smoothing vs calibration\n\n## 🗣️ User Context\n\nOnly use one GPU.\n\n*(Address this context in your plan.)*\n\n\n---',
    );
    const without = render(buildPromptValues(input));
    expect(without).toContain('## Goal\n\nLabel smoothing vs calibration\n\n\n---');
    expect(without).not.toContain('User Context');
  });
});

describe('buildSteerSection', () => {
  it('is empty without steer text', () => {
    expect(buildSteerSection('')).toBe('');
    expect(buildSteerSection(' \n\t')).toBe('');
  });

  it('wraps the trimmed steer text the way the engine does', () => {
    expect(buildSteerSection('\n Focus on ablations. \n')).toBe(
      '\n## 🗣️ User Context\n\nFocus on ablations.\n\n*(Address this context in your plan.)*\n',
    );
  });
});

describe('authHeaderValue', () => {
  it.each([
    [{ kind: 'none' } as const, ''],
    [{ kind: 'proxy' } as const, ''],
    [{ kind: 'env', envVar: 'WILD_AUTH_TOKEN' } as const, '-H "X-Auth-Token: $WILD_AUTH_TOKEN"'],
    [{ kind: 'env', envVar: '_T0K' } as const, '-H "X-Auth-Token: $_T0K"'],
  ])('%o → %s', (mode, expected) => {
    expect(authHeaderValue(mode)).toBe(expected);
  });

  it.each(['', '1TOKEN', 'TOKEN"; rm -rf ~; "', '$(id)', 'A B'])('refuses %j as a variable name (it lands in shell commands)', (envVar) => {
    expect(() => authHeaderValue({ kind: 'env', envVar })).toThrow(/shell variable name/);
  });
});

describe('newSessionId', () => {
  it('has the engine shape', () => {
    for (let i = 0; i < 50; i += 1) expect(newSessionId()).toMatch(/^wild-[0-9a-f]{8}$/);
  });

  it('uses the random source it is given', () => {
    expect(newSessionId(() => Uint8Array.from([0x1a, 0x2b, 0x3c, 0x4d, 0xff]))).toBe('wild-1a2b3c4d');
    expect(() => newSessionId(() => new Uint8Array(2))).toThrow(/need 4/);
  });
});
