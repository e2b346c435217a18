import { sanitizeUntrusted } from '../security/sanitize.js';
import type { Skill } from '../server/schemas.js';
import { fencedLines } from '../text/fences.js';
import { neutralizeHtml } from '../text/html.js';
import { codeSpan, tableCell } from '../text/markdown.js';
import { oneLine } from '../text/one-line.js';
import { truncate } from '../text/truncate.js';

// `prompt_skill_playbook.md`, written from the server's skill catalog when the planning
// agent did not write one. The prompt asks for "skill name -> when to use -> expected
// output" and a section it names (`Sweep/Run Audit Protocol` in the shipped version,
// `Execution Ops Protocol` in the newest) summarising its mandatory protocol skill, whose
// text is the source of that summary. Both names come from the prompt in use (readContract). Skill texts come from the
// server, not from us, so they are sanitised and escaped like any other foreign text.
// The output is deterministic (sorted, no dates) so a re-run commits no spurious diff.

export const PLAYBOOK_FILE = 'prompt_skill_playbook.md';
/** The protocol sections of every known prompt version: a tracked playbook with one of them is a previous run's. */
export const KNOWN_PROTOCOL_SECTIONS = ['Sweep/Run Audit Protocol', 'Execution Ops Protocol'] as const;
/** The section wild-plan writes when the prompt names none. */
const DEFAULT_SECTION = 'Experiment Protocol';

export interface PlaybookInput {
  skills: Skill[];
  /** The prompt's mandatory protocol skill as the server serves it; null when it serves none. */
  protocolSkill: Skill | null;
  /** Its id as the prompt names it; null when the prompt names none. */
  protocolSkillId: string | null;
  /** The section the prompt requires; null when it requires none. */
  section: string | null;
  /** The server address readers of the committed file should use. */
  serverUrl: string;
}

const MAX_CELL = 300;
const MAX_ITEM = 400;
const ATX_PREFIX = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const METHOD = '(GET|POST|PUT|PATCH|DELETE)';
const BASE = String.raw`(?:\$\{?SERVER_URL\}?|\{\{server_url\}\}|https?://[^\s/"'\`]+)`;
const PATH = String.raw`(/[A-Za-z0-9_\-/{}.$<>]*)`;
const PLAIN_ENDPOINT = new RegExp(String.raw`\b${METHOD}\s+\`?${BASE}?${PATH}`, 'g');
const CURL_URL = new RegExp(`${BASE}${PATH}`);

export function buildPlaybook(input: PlaybookInput): string {
  const server = input.serverUrl.replace(/\/+$/, '');
  const byId = new Map<string, Skill>();
  for (const skill of input.skills) if (!byId.has(skill.id)) byId.set(skill.id, skill);
  const skills = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const listed = skills.filter((skill) => !skill.internal);
  const internal = skills.filter((skill) => skill.internal);

  const out = [
    '# Prompt Skill Playbook',
    '',
    "Written by wild-plan from the research server's prompt-skill catalog because the planning agent did not write one.",
    `List the skills with \`curl -sf "${server}/prompt-skills"\`; read one in full with \`curl -sf "${server}/prompt-skills/<id>"\`.`,
    '',
    '## Skills',
    '',
  ];
  if (listed.length === 0) {
    out.push("The server's catalog lists no prompt skills.");
  } else {
    out.push('| Skill | When to use | Expected output |', '| --- | --- | --- |');
    for (const skill of listed) out.push(`| ${[skillCell(skill), whenToUse(skill), expectedOutput(skill)].map(tableCell).join(' | ')} |`);
  }
  if (internal.length > 0) {
    out.push('', `Left out, used by the server itself (internal): ${internal.map((s) => code(s.id)).join(', ')}.`);
  }
  out.push('', ...protocolSection(input, server));
  return `${out.join('\n')}\n`;
}

/** Whether a playbook has a heading (ATX or setext, any level) naming one of these sections. */
export function hasSection(markdown: string, sections: readonly string[]): boolean {
  const wanted = sections.map(normaliseHeading);
  const text = sanitizeUntrusted(markdown);
  const lines = text.split('\n');
  const fenced = fencedLines(text);
  for (const [index, line] of lines.entries()) {
    if (fenced[index]) continue;
    const next = lines[index + 1] ?? '';
    const atx = atxHeading(line);
    const setext = atx === null && line.trim() !== '' && /^ {0,3}(=+|-+)[ \t]*$/.test(next);
    const text = atx ?? (setext ? line : null);
    if (text !== null && wanted.some((name) => normaliseHeading(text).includes(name))) return true;
  }
  return false;
}

/** `**Sweep / Run** audit protocol` and `Sweep/Run Audit Protocol` name the same section. */
function normaliseHeading(heading: string): string {
  return heading
    .replace(/[*_`]/g, '')
    .split('/')
    .map((part) => part.trim())
    .join('/')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

// Table cells are built as markdown and escaped for the table once, row by row (tableCell).
function skillCell(skill: Skill): string {
  const name = short(skill.name);
  return name && name !== short(skill.id) ? `${code(skill.id)} (${name})` : code(skill.id);
}

function whenToUse(skill: Skill): string {
  return short(skill.description) || 'No description given; read the skill first.';
}

function expectedOutput(skill: Skill): string {
  const render = codeSpan(`POST /prompt-skills/${oneLine(sanitizeUntrusted(skill.id))}/render`);
  switch (skill.category.trim().toLowerCase()) {
    case 'prompt':
      return skill.variables.length > 0
        ? `Prompt text for an agent iteration: ${render} with ${skill.variables.map((v) => code(v)).join(', ')}`
        : 'Prompt text for an agent iteration, used as written';
    case 'protocol':
      return 'Work done the way the protocol prescribes; read it in full before the tasks it governs';
    case 'skill':
      return 'The procedure the skill describes, followed step by step; its text says what it produces';
    default:
      return 'See the skill text';
  }
}

function protocolSection(input: PlaybookInput, server: string): string[] {
  const heading = `## ${oneLine(input.section ?? DEFAULT_SECTION)}`;
  const id = input.protocolSkillId;
  const audit = input.protocolSkill;
  if (id === null) return [heading, '', 'The planning prompt names no mandatory protocol skill.', '', ...promptFlow()];
  const fetch = ['```bash', `curl -sf "${server}/prompt-skills/${id}"`, '```'];
  if (audit === null) {
    return [
      heading,
      '',
      `The server did not provide \`${id}\`; until it does, follow the flow the planning prompt itself requires. Check again with:`,
      '',
      ...fetch,
      '',
      ...promptFlow(),
    ];
  }
  const text = sanitizeUntrusted(audit.template);
  const description = short(audit.description);
  const lines = [
    heading,
    '',
    `Summary of the server's \`${id}\` skill${description ? ` (${description})` : ''}. Read it in full before any experiment task:`,
    '',
    ...fetch,
  ];
  const sections = splitSections(text);
  for (const section of sections.filter((s) => /required|compliance|rules?\b|must/i.test(s.heading))) {
    const items = section.items.length > 0 ? section.items : section.paragraphs;
    if (items.length === 0) continue;
    lines.push('', `${inline(section.heading)}:`, ...items.map((item, i) => `${i + 1}. ${clip(inline(item), MAX_ITEM)}`));
  }
  const steps = sections.filter((s) => /^step\b/i.test(s.heading));
  const flow =
    steps.length > 0
      ? steps.map((s) => ({ label: inline(s.heading), endpoints: endpoints(s.body) })).filter((s) => s.endpoints.length > 0)
      : endpoints(text).map((endpoint) => ({ label: '', endpoints: [endpoint] }));
  if (flow.length === 0) {
    lines.push('', 'The skill text names no API endpoints wild-plan could pick out; read it in full.', '', ...promptFlow());
  } else {
    lines.push('', 'Required API flow:');
    flow.forEach((step, i) => {
      const calls = step.endpoints.map((e) => code(e)).join(', ');
      lines.push(`${i + 1}. ${step.label ? `${step.label} — ${calls}` : calls}`);
    });
  }
  return lines;
}

/** The flow the planning prompt's "Formal Experiment Tracking" section spells out. */
function promptFlow(): string[] {
  return [
    'Required API flow (from the planning prompt):',
    '1. Create a sweep — `POST /sweeps/wild` with `{"name", "goal"}`; keep the returned `id`.',
    '2. Create one run per trial, grid points included — `POST /runs` with `{"name", "command", "sweep_id", "auto_start": true}`.',
    '3. Monitor — `GET /runs`.',
    '',
    'Never run training or evaluation scripts directly: a run not created through these endpoints is not visible or auditable.',
  ];
}

interface Section {
  heading: string;
  /** Everything under the heading, fenced code included (that is where the curl calls are). */
  body: string;
  /** Top-level list items outside code. */
  items: string[];
  /** Paragraph lines outside code and lists. */
  paragraphs: string[];
}

function splitSections(text: string): Section[] {
  const sections: Section[] = [];
  let current: Section = { heading: '', body: '', items: [], paragraphs: [] };
  const fenced = fencedLines(text);
  for (const [index, line] of text.split('\n').entries()) {
    const heading = fenced[index] ? null : atxHeading(line);
    if (heading !== null) {
      sections.push(current);
      current = { heading, body: '', items: [], paragraphs: [] };
      continue;
    }
    current.body += `${line}\n`;
    if (fenced[index] || line.trim() === '') continue;
    const item = /^(?:\d+[.)]|[-*+])[ \t]+(.+)$/.exec(line);
    if (item?.[1]) current.items.push(item[1]);
    else if (!/^\s/.test(line)) current.paragraphs.push(line);
  }
  sections.push(current);
  return sections;
}

/** `METHOD /path` for each API call named in the text, in order, once each. */
function endpoints(text: string): string[] {
  const found = new Set<string>();
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const curl = /\bcurl\b/.test(line) ? CURL_URL.exec(line) : null;
    if (curl?.[1]) {
      const method = /(?:-X|--request)[ \t]*([A-Z]+)/.exec(line)?.[1] ?? (/\s(?:-d|--data\S*)\s/.test(line) ? 'POST' : 'GET');
      found.add(`${method} ${trimPath(curl[1])}`);
      continue;
    }
    for (const match of line.matchAll(PLAIN_ENDPOINT)) found.add(`${match[1]} ${trimPath(match[2] ?? '/')}`);
  }
  return [...found];
}

/** `/runs.` at the end of a sentence is `/runs`. */
function trimPath(path: string): string {
  return path.replace(/[.]+$/, '') || '/';
}

/**
 * The text of an ATX heading line, or null. String work after an anchored prefix test:
 * a lazy-group heading regex takes quadratic time on long runs of spaces, and both the
 * skill texts and the agent's playbook are foreign input.
 */
function atxHeading(line: string): string | null {
  const prefix = ATX_PREFIX.exec(line);
  if (!prefix) return null;
  const text = line.slice(prefix[0].length).trimEnd();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end -= 1;
  const before = text[end - 1];
  const closed = end < text.length && (before === undefined || before === ' ' || before === '\t');
  return (closed ? text.slice(0, end) : text).trim();
}

/** One short line of foreign text (a table cell, a parenthesis). */
function short(text: string): string {
  return clip(inline(text), MAX_CELL);
}

/** Foreign text as one line of markdown prose, raw HTML made inert. */
function inline(text: string): string {
  return neutralizeHtml(oneLine(sanitizeUntrusted(text)));
}

/** Foreign text as a code span: shown literally, so no HTML escaping. */
function code(text: string): string {
  return codeSpan(oneLine(sanitizeUntrusted(text)));
}

function clip(text: string, max: number): string {
  return truncate(text, max, { trimEnd: true });
}
