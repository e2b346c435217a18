import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';

// A SKILL.md prompt: `---` YAML front matter `---`, then the template. The research
// server reads the same files (PromptSkillManager._parse_file); the body computed here is
// the server's `template` to the byte, so that rendering it matches the server's output:
//   - Python reads the file with universal newlines: CRLF and CR become LF;
//   - it splits at the first two `---` *anywhere* (`content.split("---", 2)`), so a `---`
//     inside the front matter would cut it short — refused here rather than misread;
//   - the template is `parts[2].strip()`: Python's whitespace set, both ends;
//   - the front matter goes through PyYAML, a YAML 1.1 parser (`name: yes` is a boolean).

export interface PromptTemplate {
  /** Where the text came from, for error messages. */
  source: string;
  name: string;
  description: string;
  category: string;
  /** Every `{{name}}` the body may use; each must be supplied when rendering. */
  variables: readonly string[];
  /** The template after the front matter, exactly as the server holds it. */
  body: string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A placeholder the server substitutes; anything else between braces is literal text. */
export const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;

const requiredText = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'expected a string') });

const FrontMatterSchema = z
  .object({
    name: requiredText().min(1, { error: 'must not be empty' }),
    description: requiredText(),
    category: requiredText(),
    variables: z
      .array(
        requiredText().regex(IDENTIFIER, {
          error: 'expected an identifier (letters, digits, underscores; not starting with a digit)',
        }),
        { error: (issue) => (issue.input === undefined ? 'is required' : 'expected a list of variable names') },
      )
      .min(1, { error: 'must list at least one variable' })
      .refine((names) => new Set(names).size === names.length, {
        error: (issue) => `lists a name twice: ${duplicates(issue.input as string[]).join(', ')}`,
      }),
  })
  .loose();

export async function loadTemplateFile(path: string): Promise<PromptTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TemplateError(`${path}: cannot read the prompt template: ${(error as Error).message}`);
  }
  return parseTemplate(text, path);
}

export function parseTemplate(text: string, source = '<template>'): PromptTemplate {
  const fail = (message: string): never => {
    throw new TemplateError(`${source}: ${message}`);
  };
  if (text.startsWith('\uFEFF')) {
    fail('starts with a byte-order mark; the server would see no front matter. Save it as UTF-8 without BOM');
  }
  const content = text.replace(/\r\n?/g, '\n');
  if (!/^---[ \t]*\n/.test(content)) fail('must start with a `---` line opening the YAML front matter');

  const close = content.indexOf('---', 3);
  if (close === -1) fail('the front matter is not closed by a `---` line');
  const closeLineEnd = content.indexOf('\n', close);
  const closeLine = content.slice(close, closeLineEnd === -1 ? undefined : closeLineEnd);
  if (content[close - 1] !== '\n' || closeLine.trim() !== '---') {
    fail(
      `front matter line ${lineNumber(content, close)} contains \`---\`; the server splits SKILL.md ` +
        'at the first `---` after the opening one, so the front matter must not contain it',
    );
  }

  const frontMatter = parseFrontMatter(content.slice(3, close), fail);
  const body = pythonStrip(content.slice(close + 3));
  const declared = new Set(frontMatter.variables);
  const undeclared = placeholderNames(body).filter((name) => !declared.has(name));
  if (undeclared.length > 0) {
    fail(`the template uses ${undeclared.map((n) => `{{${n}}}`).join(', ')} but front matter field "variables" does not declare it`);
  }
  return { source, ...frontMatter, body };
}

function parseFrontMatter(yamlText: string, fail: (message: string) => never): z.infer<typeof FrontMatterSchema> {
  const doc = parseDocument(yamlText, { version: '1.1', uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) fail(`the front matter is not valid YAML: ${yamlError.message.split('\n')[0] ?? ''}`);
  const parsed = FrontMatterSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
    const where = field ? `front matter field "${field}"` : 'the front matter';
    fail(`${where}: ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data as z.infer<typeof FrontMatterSchema>;
}

/** Distinct placeholder names in order of first use. */
export function placeholderNames(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(PLACEHOLDER)) if (match[1]) names.add(match[1]);
  return [...names];
}

/** The characters Python's `str.strip()` removes (`str.isspace()`); JS `trim()` differs (U+FEFF, U+001C–U+001F, U+0085). */
const PY_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_WHITESPACE.has(text.charCodeAt(start))) start += 1;
  while (end > start && PY_WHITESPACE.has(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

function lineNumber(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
}
