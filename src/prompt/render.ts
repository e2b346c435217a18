import Handlebars from 'handlebars';
import { PLACEHOLDER, placeholderNames, type PromptTemplate } from './template.js';

// Renders a SKILL.md template the way the research server does — each `{{name}}` becomes
// its value verbatim, every other character is literal — with Handlebars' strict checking
// and no HTML escaping. Handlebars reads more syntax than the server does, so the body is
// translated first; left alone, Handlebars would turn `\{{x}}` into a literal `{{x}}`,
// `{{{x}}}` into the bare value, `{{x}}}` into a parse error, `{{log}}` into a call of
// its `log` helper, and refuse a NUL character. Values are data, never template text:
// a goal containing `{{goal}}` or `{{#each}}` reaches the agent as written.

export class RenderError extends Error {
  override name = 'RenderError';
}

export function renderPrompt(template: PromptTemplate, values: Record<string, string>): string {
  checkValues(template, values);
  const { source, context } = toHandlebars(template.body, values);
  const render = Handlebars.compile(source, { noEscape: true, strict: true });
  return render(context);
}

function checkValues(template: PromptTemplate, values: Record<string, string>): void {
  const where = template.source;
  const declared = new Set(template.variables);
  const supplied = Object.keys(values);
  const undeclared = placeholderNames(template.body).filter((name) => !declared.has(name));
  if (undeclared.length > 0) {
    throw new RenderError(
      `${where}: the template uses ${undeclared.map((n) => `{{${n}}}`).join(', ')} but its front matter "variables" does not declare ${undeclared.length === 1 ? 'it' : 'them'}`,
    );
  }
  const missing = template.variables.filter((name) => !Object.hasOwn(values, name));
  if (missing.length > 0) {
    throw new RenderError(`${where}: no value supplied for ${list(missing)} (every declared variable is required)`);
  }
  const extra = supplied.filter((name) => !declared.has(name));
  if (extra.length > 0) {
    throw new RenderError(
      `${where}: value${extra.length === 1 ? '' : 's'} supplied for ${list(extra)}, which the template does not declare (a typo?); declared: ${list([...declared])}`,
    );
  }
  const notText = supplied.filter((name) => typeof values[name] !== 'string');
  if (notText.length > 0) throw new RenderError(`${where}: the value for ${list(notText)} is not a string`);
}

/**
 * Rewrites the body so Handlebars can only do what the server does. Placeholders become
 * generated names (never a helper's name). Literal text stays Handlebars content unless
 * Handlebars would read it as syntax — it holds `{{` or NUL, ends in `\` or `{` (escaping
 * or widening the next mustache), or starts with `}` (widening the previous one) — in
 * which case it too is passed in as a value and so printed verbatim.
 */
function toHandlebars(body: string, values: Record<string, string>): { source: string; context: Record<string, string> } {
  const context: Record<string, string> = Object.create(null) as Record<string, string>;
  const keyOf = new Map<string, string>();
  let source = '';
  let literals = 0;
  const addLiteral = (text: string): void => {
    if (text === '') return;
    if (!needsQuoting(text)) {
      source += text;
      return;
    }
    const key = `literal_${literals++}`;
    context[key] = text;
    source += `{{${key}}}`;
  };
  let last = 0;
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    addLiteral(body.slice(last, match.index));
    let key = keyOf.get(name);
    if (key === undefined) {
      key = `value_${keyOf.size}`;
      keyOf.set(name, key);
      context[key] = values[name] ?? '';
    }
    source += `{{${key}}}`;
    last = match.index + match[0].length;
  }
  addLiteral(body.slice(last));
  return { source, context };
}

function needsQuoting(text: string): boolean {
  return text.includes('{{') || text.includes('\0') || text.endsWith('\\') || text.endsWith('{') || text.startsWith('}');
}

function list(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
