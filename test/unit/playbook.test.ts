import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildPlaybook, hasSection, KNOWN_PROTOCOL_SECTIONS } from '../../src/plan/playbook.js';

const AUDIT_SKILL_ID = 'wild_v2_sweep_run_audit_protocol';
const SECTION = 'Sweep/Run Audit Protocol';
const hasAuditSection = (markdown: string) => hasSection(markdown, KNOWN_PROTOCOL_SECTIONS);
import { SkillSchema, type Skill } from '../../src/server/schemas.js';

/** The server's own skills, read the way GET /prompt-skills reports them. */
function serverSkills(): Skill[] {
  const dir = new URL('../fixtures/wild/skills/', import.meta.url);
  return readdirSync(dir).map((id) => {
    const content = readFileSync(new URL(`${id}/SKILL.md`, dir), 'utf8');
    const [, frontMatter = '', ...rest] = content.split('---');
    const meta = (parse(frontMatter) ?? {}) as Record<string, unknown>;
    return SkillSchema.parse({
      ...meta,
      id,
      name: meta.name ?? id,
      template: rest.join('---').trim(),
      built_in: true,
      internal: id.startsWith('ra_mode_'),
    });
  });
}

const SKILLS = serverSkills();
const AUDIT = SKILLS.find((skill) => skill.id === AUDIT_SKILL_ID) ?? null;
const skill = (over: Partial<Skill> & { id: string }): Skill => SkillSchema.parse({ name: over.id, ...over });

/** The table rows of the Skills section, split on unescaped pipes. */
function rows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Skill ') && !line.startsWith('| ---'))
    .map((line) => line.slice(2, -2).split(/(?<!\\) \| /));
}

describe('buildPlaybook with the server catalog', () => {
  const playbook = buildPlaybook({
    skills: SKILLS,
    protocolSkill: AUDIT,
    protocolSkillId: AUDIT_SKILL_ID,
    section: SECTION,
    serverUrl: 'https://wild.example.org/',
  });

  it('maps every non-internal skill to when to use it and what it gives', () => {
    const table = rows(playbook);
    expect(table.map((row) => /^`([^`]+)`/.exec(row[0] ?? '')?.[1])).toEqual(
      SKILLS.filter((s) => !s.internal)
        .map((s) => s.id)
        .sort(),
    );
    for (const row of table) expect(row).toHaveLength(3);
    expect(table[0]?.[0]).toBe('`alert_handler` (Alert Handler)');
    const planning = table.find((row) => row[0] === '`wild_v2_planning`');
    expect(planning?.[1]).toMatch(/^Planning prompt for Wild Loop V2/);
    expect(planning?.[2]).toContain('`POST /prompt-skills/wild_v2_planning/render` with `goal`, `workdir`');
    expect(table.find((row) => row[0] === `\`${AUDIT_SKILL_ID}\``)?.[2]).toMatch(/protocol prescribes/);
  });

  it('names the internal skills it left out', () => {
    expect(playbook).toContain('Left out, used by the server itself (internal): `ra_mode_agent`, `ra_mode_plan`.');
    expect(rows(playbook).some((row) => row[0]?.includes('ra_mode'))).toBe(false);
  });

  it('summarises the audit protocol: its rules and the API flow step by step', () => {
    const section = playbook.slice(playbook.indexOf('## Sweep/Run Audit Protocol'));
    expect(section).toContain('curl -sf "https://wild.example.org/prompt-skills/wild_v2_sweep_run_audit_protocol"');
    expect(section).toContain('Required behavior:\n1. Create or reuse a sweep as a user-visible container for related runs.');
    expect(section).toContain(
      'Required API flow:\n' +
        '1. Step 1: create sweep — `POST /sweeps/wild`\n' +
        '2. Step 2: create runs — `POST /runs`\n' +
        '3. Step 3: monitor — `GET /runs`, `GET /sweeps/$SWEEP_ID`, `GET /wild/v2/system-health`',
    );
    expect(hasAuditSection(playbook)).toBe(true);
  });

  it('is the same text for the same catalog in any order', () => {
    const shuffled = [...SKILLS].reverse();
    expect(
      buildPlaybook({
        skills: shuffled,
        protocolSkill: AUDIT,
        protocolSkillId: AUDIT_SKILL_ID,
        section: SECTION,
        serverUrl: 'https://wild.example.org',
      }),
    ).toBe(playbook);
  });
});

describe('buildPlaybook without the audit skill', () => {
  const playbook = buildPlaybook({
    skills: [skill({ id: 'alert_handler', description: 'Alerts' })],
    protocolSkill: null,
    protocolSkillId: AUDIT_SKILL_ID,
    section: SECTION,
    serverUrl: 'http://127.0.0.1:8000',
  });

  it('says plainly that the server lacks it and falls back to the prompt’s own flow', () => {
    expect(playbook).toContain(
      '## Sweep/Run Audit Protocol\n\nThe server did not provide `wild_v2_sweep_run_audit_protocol`; until it does, follow the flow the planning prompt itself requires.',
    );
    expect(playbook).toContain('1. Create a sweep — `POST /sweeps/wild`');
    expect(playbook).toContain('2. Create one run per trial, grid points included — `POST /runs`');
    expect(playbook).toContain('3. Monitor — `GET /runs`.');
    expect(hasAuditSection(playbook)).toBe(true);
  });

  it('still lists the catalog, and says so when it is empty', () => {
    expect(rows(playbook)).toEqual([['`alert_handler`', 'Alerts', 'See the skill text']]);
    expect(
      buildPlaybook({ skills: [], protocolSkill: null, protocolSkillId: AUDIT_SKILL_ID, section: SECTION, serverUrl: 'http://x' }),
    ).toContain("The server's catalog lists no prompt skills.");
  });
});

describe('buildPlaybook with foreign text', () => {
  it('keeps pipes, newlines, HTML and hidden text out of the table structure', () => {
    const odd = skill({
      id: 'a|b',
      name: 'Pipes | and\nnewlines',
      description: 'Use when x | y.\n\nSecond <b>para</b><!-- hidden -->\u202E',
      category: 'skill',
    });
    const table = rows(
      buildPlaybook({ skills: [odd, odd], protocolSkill: null, protocolSkillId: AUDIT_SKILL_ID, section: SECTION, serverUrl: 'http://x' }),
    );
    expect(table).toEqual([
      [
        '`a\\|b` (Pipes \\| and newlines)',
        'Use when x \\| y. Second &lt;b>para&lt;/b>',
        'The procedure the skill describes, followed step by step; its text says what it produces',
      ],
    ]);
  });

  it('clips a very long description', () => {
    const [row] = rows(
      buildPlaybook({
        skills: [skill({ id: 'long', description: 'w '.repeat(1000) })],
        protocolSkill: null,
        protocolSkillId: AUDIT_SKILL_ID,
        section: SECTION,
        serverUrl: 'http://x',
      }),
    );
    expect(row?.[1]?.length).toBeLessThanOrEqual(300);
    expect(row?.[1]?.endsWith('…')).toBe(true);
  });

  it('lists endpoints in order when the audit skill has no steps, and says when it names none', () => {
    const flat = skill({ id: AUDIT_SKILL_ID, template: 'First POST $SERVER_URL/sweeps/wild, then POST /runs.\nPoll with `GET /runs`.' });
    expect(
      buildPlaybook({ skills: [], protocolSkill: flat, protocolSkillId: AUDIT_SKILL_ID, section: SECTION, serverUrl: 'http://x' }),
    ).toContain('Required API flow:\n1. `POST /sweeps/wild`\n2. `POST /runs`\n3. `GET /runs`');
    const empty = skill({ id: AUDIT_SKILL_ID, template: 'Be careful.' });
    const text = buildPlaybook({
      skills: [],
      protocolSkill: empty,
      protocolSkillId: AUDIT_SKILL_ID,
      section: SECTION,
      serverUrl: 'http://x',
    });
    expect(text).toContain('The skill text names no API endpoints wild-plan could pick out; read it in full.');
    expect(text).toContain('1. Create a sweep — `POST /sweeps/wild`');
  });
});

describe('hasAuditSection', () => {
  it.each([
    ['## Sweep/Run Audit Protocol\n\n...', true],
    ['# Playbook\n\n### 3. sweep / run audit protocol ###\n', true],
    ['#### **Sweep/Run Audit Protocol**', true],
    ['Sweep/Run Audit Protocol\n------------------------\n', true],
    ['  ## Sweep/Run Audit Protocol (summary)', true],
    ['The Sweep/Run Audit Protocol says to create sweeps.', false],
    ['```markdown\n## Sweep/Run Audit Protocol\n```', false],
    ['<!--\n## Sweep/Run Audit Protocol\n-->', false],
    ['    ## Sweep/Run Audit Protocol (indented code)', false],
    ['## Audit Protocol', false],
    ['', false],
  ])('%j → %s', (markdown, expected) => {
    expect(hasAuditSection(markdown)).toBe(expected);
  });

  it('reads a megabyte-long heading line in one pass', () => {
    const long = `## a${' '.repeat(1_000_000)}b ${'#'.repeat(1_000_000)}c\n## Sweep  /  Run Audit Protocol${' '.repeat(1_000_000)}##`;
    expect(hasAuditSection(long)).toBe(true);
  });
});
