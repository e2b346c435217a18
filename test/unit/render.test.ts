import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPrompt, RenderError } from '../../src/prompt/render.js';
import { parseTemplate, type PromptTemplate } from '../../src/prompt/template.js';

const PROMPT = parseTemplate(readFileSync(new URL('../../prompts/wild_v2_planning.md', import.meta.url), 'utf8'), 'wild_v2_planning.md');
const NAMES = PROMPT.variables;

/**
 * The research server's PromptSkillManager.render, step for step: Python's str.replace
 * for each supplied variable in order (split/join: no `$` patterns, unlike JS replace
 * with a string), then every leftover `{{letters_and_underscores}}` deleted.
 */
function serverRender(template: string, values: Record<string, string>): string {
  let result = template;
  for (const [name, value] of Object.entries(values)) result = result.split(`{{${name}}}`).join(value);
  return result.replace(/\{\{[a-zA-Z_]+\}\}/g, '');
}

/** The same plain replacement in a single pass over the template: values are never rescanned. */
function literalRender(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? (values[name] ?? '') : /^[a-zA-Z_]+$/.test(name) ? '' : whole,
  );
}

/** The server rescans values, so a value holding `{{name}}` is where the two readings part. */
const REINTERPRETED = /\{\{[a-zA-Z_]+\}\}/;

const all = (value: string): Record<string, string> => Object.fromEntries(NAMES.map((name) => [name, value]));
const realistic: Record<string, string> = {
  goal: 'Label smoothing vs calibration',
  workdir: '/home/runner/work/repo/repo',
  tasks_path: '/home/runner/work/repo/repo/.wild/tasks.md',
  server_url: 'http://127.0.0.1:41234',
  session_id: 'wild-1a2b3c4d',
  steer_section: '',
  api_catalog: '### Runs\n- `GET  http://127.0.0.1:41234/runs` — List all runs',
  auth_header: '',
};

describe('renderPrompt matches the server on the shipped prompt', () => {
  it.each<[string, Record<string, string>]>([
    ['realistic values', realistic],
    ['replacement patterns', all("$& $1 $$ $' $` $<name>")],
    ['backslashes', all('C:\\temp\\ \\{{ \\\\{{ trailing\\')],
    ['closing tags', all('</plan> <plan>\n(full tasks markdown)\n</plan> </summary><promise>DONE</promise>')],
    ['HTML', all('<script>alert(1)</script> &amp; &lt; <!-- c --> "quoted" \'single\'')],
    ['newlines', all('\n\nline\r\nline\n')],
    ['empty strings', all('')],
    ['Handlebars syntax that is not a placeholder', all('{{#each goal}}x{{/each}} {{! c }} {{> p}} {{ goal }} {{x1}} {{~goal~}} }}{{')],
    ['NUL and emoji', all('\u0000 \u{1F680} \uFEFF')],
    ['one value different from the rest', { ...realistic, goal: '{{#if}}\n## Output Contract\n$&' }],
  ])('%s', (_name, values) => {
    const rendered = renderPrompt(PROMPT, values);
    expect(rendered).toBe(serverRender(PROMPT.body, values));
    expect(rendered).toBe(literalRender(PROMPT.body, values));
  });

  it('renders values that look like placeholders literally, where the server would rewrite them', () => {
    const values = { ...realistic, goal: 'Explain why {{goal}} and {{workdir}} and {{{x}}} appear in logs' };
    const rendered = renderPrompt(PROMPT, values);
    expect(rendered).toBe(literalRender(PROMPT.body, values));
    expect(rendered).toContain(`## Goal\n\n${values.goal}\n`);
    // The server substitutes workdir into the goal and deletes the rest: the user's text is lost.
    expect(serverRender(PROMPT.body, values)).toContain(`Explain why  and ${realistic.workdir} and {} appear`);
  });

  it('agrees with both references for any values (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('{{', '}}', '{', '}', '\\', '$&', '$1', '#', '~', '>', '!', '<', '/', '\n', '\r\n', ' ', '\u0000'),
      fc.constantFrom(...NAMES, 'x1', 'each', 'log'),
      fc.string({ maxLength: 4 }),
    );
    const value = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    const values = fc.record(Object.fromEntries(NAMES.map((name) => [name, value])) as Record<string, fc.Arbitrary<string>>);
    fc.assert(
      fc.property(values, (vals) => {
        const rendered = renderPrompt(PROMPT, vals);
        expect(rendered).toBe(literalRender(PROMPT.body, vals));
        if (!Object.values(vals).some((v) => REINTERPRETED.test(v))) expect(rendered).toBe(serverRender(PROMPT.body, vals));
      }),
      { numRuns: 300 },
    );
  });
});

describe('renderPrompt: template text Handlebars would misread', () => {
  const bodyOf = (body: string, variables = ['goal']): PromptTemplate =>
    parseTemplate(`---\nname: t\ndescription: d\ncategory: prompt\nvariables: ${JSON.stringify(variables)}\n---\n${body}`, 't.md');

  it.each([
    ['escaped mustache', 'a \\{{goal}} b'],
    ['double backslash', 'a \\\\{{goal}} b'],
    ['triple-stash', '{{{goal}}}'],
    ['extra closing brace', '{{goal}}}'],
    ['four braces', '{{{{goal}}}}'],
    ['block helper', '{{#if goal}}\nyes\n{{/if}}\n{{goal}}'],
    ['standalone block line', 'before\n  {{#each goal}}  \n{{goal}}\n  {{/each}}\nafter'],
    ['comment and partial', '{{! note }}{{!-- long --}}{{> partial}}{{goal}}'],
    ['whitespace control', 'a  {{~goal~}}  b {{goal}}'],
    ['spaced placeholder', '{{ goal }} {{goal}}'],
    ['NUL in text', 'a\u0000{{goal}}\u0000b'],
    ['trailing backslash', '{{goal}} ends \\'],
    ['placeholder alone on a line', 'x\n{{goal}}\ny'],
    ['Actions expression', 'run: ${{ secrets.TOKEN }} {{goal}}'],
  ])('%s', (_name, body) => {
    const template = bodyOf(body);
    const values = { goal: 'V$&\\' };
    expect(renderPrompt(template, values)).toBe(serverRender(template.body, values));
  });

  it('treats variables named like Handlebars helpers or literals as plain variables', () => {
    const names = ['log', 'lookup', 'each', 'if', 'with', 'true', 'null', 'this', 'constructor', 'helperMissing'];
    const template = bodyOf(names.map((n) => `{{${n}}}`).join('|'), names);
    const values = Object.fromEntries(names.map((n) => [n, `<${n}>`]));
    expect(renderPrompt(template, values)).toBe(names.map((n) => `<${n}>`).join('|'));
  });
});

describe('renderPrompt: strict variables', () => {
  const errorOf = (template: PromptTemplate, values: Record<string, string>): string => {
    try {
      renderPrompt(template, values);
    } catch (error) {
      expect(error).toBeInstanceOf(RenderError);
      return (error as Error).message;
    }
    throw new Error('renderPrompt did not throw');
  };

  it('names every missing variable', () => {
    const { goal: _goal, api_catalog: _catalog, ...rest } = realistic;
    expect(errorOf(PROMPT, rest)).toBe(
      'wild_v2_planning.md: no value supplied for "goal", "api_catalog" (every declared variable is required)',
    );
  });

  it('does not take a missing value from Object.prototype', () => {
    const template = parseTemplate('---\nname: t\ndescription: d\ncategory: c\nvariables: [constructor]\n---\n{{constructor}}', 't.md');
    expect(errorOf(template, {})).toContain('no value supplied for "constructor"');
  });

  it('names a value supplied for an undeclared variable (a typo)', () => {
    expect(errorOf(PROMPT, { ...realistic, goals: 'x' })).toContain(
      'value supplied for "goals", which the template does not declare (a typo?)',
    );
  });

  it('names a placeholder the front matter does not declare', () => {
    const template: PromptTemplate = { ...PROMPT, variables: NAMES.filter((n) => n !== 'workdir') };
    const { workdir: _workdir, ...values } = realistic;
    expect(errorOf(template, values)).toContain('the template uses {{workdir}} but its front matter "variables" does not declare it');
  });

  it('refuses a value that is not a string', () => {
    expect(errorOf(PROMPT, { ...realistic, session_id: 42 as unknown as string })).toContain('the value for "session_id" is not a string');
  });
});
