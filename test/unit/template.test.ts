import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTemplateFile, parseTemplate, pythonStrip, TemplateError } from '../../src/prompt/template.js';

const PROMPT_PATH = fileURLToPath(new URL('../../prompts/wild_v2_planning.md', import.meta.url));
const PROMPT = readFileSync(PROMPT_PATH, 'utf8');

/** The server's reading (PromptSkillManager._parse_file): `content.split("---", 2)[2].strip()`. */
function serverTemplate(content: string): string {
  const first = content.indexOf('---');
  const second = content.indexOf('---', first + 3);
  return pythonStripReference(content.slice(second + 3));
}

/** Python's str.strip(): the characters for which str.isspace() is true. */
function pythonStripReference(text: string): string {
  const ws = '[\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
  return text.replace(new RegExp(`^${ws}+`), '').replace(new RegExp(`${ws}+$`), '');
}

const skill = (frontMatter: string, body = 'Hello {{goal}}'): string => `---\n${frontMatter}\n---\n\n${body}\n`;
const VALID = 'name: t\ndescription: d\ncategory: prompt\nvariables:\n  - goal';

describe('parseTemplate on the shipped prompt', () => {
  const template = parseTemplate(PROMPT, 'prompts/wild_v2_planning.md');

  it('reads the front matter', () => {
    expect(template).toMatchObject({
      source: 'prompts/wild_v2_planning.md',
      name: 'wild_v2_planning',
      category: 'prompt',
      variables: ['goal', 'workdir', 'tasks_path', 'server_url', 'session_id', 'steer_section', 'api_catalog', 'auth_header'],
    });
    expect(template.description).toMatch(/^Planning prompt for Wild Loop V2/);
  });

  it('holds exactly the template the server holds', () => {
    expect(template.body).toBe(serverTemplate(PROMPT));
    expect(template.body.startsWith('You are an autonomous research engineer')).toBe(true);
    expect(template.body.endsWith('Your changes are auto-committed after this iteration.')).toBe(true);
  });

  it('reads a CRLF copy the same way (the server reads with universal newlines)', () => {
    expect(parseTemplate(PROMPT.replace(/\n/g, '\r\n')).body).toBe(template.body);
  });

  it('loads from a file', async () => {
    const loaded = await loadTemplateFile(PROMPT_PATH);
    expect(loaded.body).toBe(template.body);
    expect(loaded.source).toBe(PROMPT_PATH);
  });
});

describe('parseTemplate', () => {
  it('strips the body the way Python does, not the way JS trim() does', () => {
    const body = '\u001f\u0085 text \uFEFF';
    expect(parseTemplate(`---\n${VALID}\n---\n${body}`).body).toBe('text \uFEFF');
    expect(pythonStrip(body)).toBe(pythonStripReference(body));
    expect(pythonStrip('\u3000\u2028 a b \u00a0\t')).toBe('a b');
  });

  it('keeps other front matter keys and braces that are not placeholders', () => {
    const t = parseTemplate(skill(`${VALID}\nauthor: someone`, 'Use ${{ env.X }} and {{ goal }} and {{goal}}'));
    expect(t.body).toBe('Use ${{ env.X }} and {{ goal }} and {{goal}}');
  });

  it.each([
    ['no front matter', 'Hello {{goal}}', 'must start with a `---` line'],
    ['front matter never closed', `---\n${VALID}\nHello`, 'the front matter is not closed by a `---` line'],
    ['`---` inside a value', skill('name: t\ndescription: a --- b\ncategory: c\nvariables: [goal]'), 'front matter line 3 contains `---`'],
    ['closing line longer than ---', `---\n${VALID}\n----\nbody`, 'front matter line 7 contains `---`'],
    ['byte-order mark', `\uFEFF${skill(VALID)}`, 'byte-order mark'],
    ['invalid YAML', skill('name: [t\ndescription: d'), 'the front matter is not valid YAML'],
    ['duplicate key', skill(`${VALID}\nname: again`), 'the front matter is not valid YAML'],
    ['missing name', skill('description: d\ncategory: c\nvariables: [goal]'), 'front matter field "name": is required'],
    ['empty name', skill("name: ''\ndescription: d\ncategory: c\nvariables: [goal]"), 'front matter field "name": must not be empty'],
    [
      'YAML 1.1 boolean name',
      skill('name: yes\ndescription: d\ncategory: c\nvariables: [goal]'),
      'front matter field "name": expected a string',
    ],
    ['missing description', skill('name: t\ncategory: c\nvariables: [goal]'), 'front matter field "description": is required'],
    ['missing category', skill('name: t\ndescription: d\nvariables: [goal]'), 'front matter field "category": is required'],
    ['missing variables', skill('name: t\ndescription: d\ncategory: c'), 'front matter field "variables": is required'],
    [
      'variables not a list',
      skill('name: t\ndescription: d\ncategory: c\nvariables: goal'),
      'front matter field "variables": expected a list of variable names',
    ],
    [
      'no variables',
      skill('name: t\ndescription: d\ncategory: c\nvariables: []'),
      'front matter field "variables": must list at least one variable',
    ],
    [
      'duplicate variable',
      skill('name: t\ndescription: d\ncategory: c\nvariables: [goal, x, goal]'),
      'front matter field "variables": lists a name twice: goal',
    ],
    [
      'variable not an identifier',
      skill('name: t\ndescription: d\ncategory: c\nvariables: [goal, 2fast]'),
      'front matter field "variables[1]": expected an identifier',
    ],
    [
      'variable not a string',
      skill('name: t\ndescription: d\ncategory: c\nvariables: [goal, 3]'),
      'front matter field "variables[1]": expected a string',
    ],
    [
      'undeclared placeholder',
      skill(VALID, '{{goal}} in {{workdir}}'),
      'the template uses {{workdir}} but front matter field "variables" does not declare it',
    ],
    ['front matter is a list', '---\n- a\n---\nbody', 'the front matter: '],
  ])('%s is refused with the file and field named', (_name, text, message) => {
    let error: unknown;
    try {
      parseTemplate(text, 'skills/x/SKILL.md');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as Error).message).toContain('skills/x/SKILL.md: ');
    expect((error as Error).message).toContain(message);
  });

  it('names the path when the file cannot be read', async () => {
    await expect(loadTemplateFile('/nonexistent/wild_v2_planning.md')).rejects.toThrow(
      /^\/nonexistent\/wild_v2_planning\.md: cannot read the prompt template/,
    );
  });
});
