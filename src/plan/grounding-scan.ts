// Reading one piece of plan text for the things it names: files and scripts, server
// endpoints, prompt skills. Plans are prose written by an agent, so this is a careful
// tokenizer rather than a parser: anything doubtful (a placeholder, a glob, a URL, a word
// pair like `stdout/stderr`) is not a name, because grounding findings must not cry wolf.
import { sanitizeUntrusted } from '../security/sanitize.js';

export interface Mention {
  kind: 'path' | 'run' | 'endpoint' | 'skill';
  /** A path without `./` or trailing `/`, an endpoint path, or a skill id. */
  value: string;
  /** For paths: the text said it will write or create it (so it need not exist). */
  created: boolean;
  /** For paths: written with a trailing `/`. */
  directory: boolean;
  /** For paths: one segment, no `/` (`run.sh`, `report.md`). */
  bare: boolean;
  /** For endpoints: the HTTP method written before it, if any. */
  method: string | null;
}

/** First folders that hold code a plan reads, so `src/eval` counts as a path even without an extension. */
export const CODE_ROOTS = new Set([
  'src',
  'scripts',
  'script',
  'configs',
  'config',
  'conf',
  'tests',
  'test',
  'lib',
  'tools',
  'bin',
  'notebooks',
]);

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const SERVER_PREFIX = /^(?:\{\{server_url\}\}|\$\{?SERVER_URL\}?)(\/.*)?$/i;
const CREATE_VERBS =
  /^(?:write|writes|writing|written|create|creates|creating|created|generate|generates|generated|generating|save|saves|saved|saving|produce|produces|produced|emit|emits|export|exports|dump|dumps|store|stores|touch|mkdir|tee)$/i;
// "Add X" creates X, "add X to Y" changes an existing Y.
const ADD_VERBS = /^(?:add|adds|adding|append|appends|insert|inserts|implement|implements)$/i;
const EXPECT_VERBS =
  /^(?:read|reads|reading|run|running|rerun|inspect|inspects|extend|extends|modify|modifies|update|updates|edit|edits|refactor|refactors|patch|fix|fixes|use|uses|using|load|loads|call|calls|import|imports|execute|executes|reuse|reuses|check|checks|review|reviews|open|parse|parses|follow|from|see|via)$/i;
const RUNNERS = /^(?:python|python3|bash|sh|zsh|source|pytest|torchrun|deepspeed|node|rscript|julia)$/i;
// Words that precede the real interpreter: `uv run python x.py`, `accelerate launch x.py`.
const PASS_THROUGH = /^(?:uv|poetry|pipenv|conda|accelerate|launch|run|exec|nohup|time|srun|env)$/i;
// `--out data/`, `--log-dir runs/`: the value is where a command writes.
const OUTPUT_FLAG = /^--?(?:o|out\w*|output\w*|save\w*|dest\w*|log\w*|[\w-]*dir)$/i;
const EXTENSION = /\.[A-Za-z][A-Za-z0-9]{0,7}$/;
const DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|io|ai|co|dev|edu|gov|app|me|info)$/i;
const PLACEHOLDER = /[<>{}*?$%[\]…|=@:~,;"'`\\]|\.\.\./;
const SEGMENT = /^[A-Za-z0-9_.+-]+$/;
const SKILL = /\bwild_v2_[a-z0-9_]*[a-z0-9]\b/gi;
const SKILL_ROUTE = /\/prompt-skills\/([A-Za-z0-9_.-]+)/g;
const SKILL_ROUTE_WORDS = new Set(['search', 'reload', 'install']);

/** Strips what wraps a word in prose: quotes, brackets, emphasis, a sentence's final punctuation. */
function bareWord(token: string): string {
  return token
    .replace(/^[("'*_[]+/, '')
    .replace(/[)"'*_\]]+$/, '')
    .replace(/[.,;:!?]+$/, '')
    .replace(/[)"'*_\]]+$/, '');
}

/** `token` as a repository-relative path, or null when it is not one beyond doubt. */
export function asPath(token: string): { path: string; directory: boolean; bare: boolean } | null {
  let t = bareWord(token);
  if (t === '' || t.includes('://') || t.startsWith('/') || t.startsWith('../') || PLACEHOLDER.test(t)) return null;
  t = t.replace(/^(?:\.\/)+/, '').replace(/\/{2,}/g, '/');
  const directory = t.endsWith('/');
  const path = t.replace(/\/+$/, '');
  if (path === '' || path === '.') return null;
  const segments = path.split('/');
  if (!segments.every((s) => SEGMENT.test(s) && s !== '..')) return null;
  if (DOMAIN.test(segments[0]!) || /^\d/.test(segments[0]!)) return null;
  if (segments.length === 1) return EXTENSION.test(path) || directory ? { path, directory, bare: !directory } : null;
  const startsDotSlash = /^\.\//.test(bareWord(token));
  const qualifies = EXTENSION.test(path) || directory || startsDotSlash || CODE_ROOTS.has(segments[0]!);
  return qualifies ? { path, directory, bare: false } : null;
}

/** An endpoint path as written, without query, fragment, trailing slash or punctuation. */
function asEndpoint(raw: string): string | null {
  const path = bareWord(raw)
    .replace(/[?#].*$/, '')
    .replace(/(.)\/+$/, '$1');
  if (!path.startsWith('/') || path.startsWith('//') || !/^\/[A-Za-z0-9_.{}<>:/-]*$/.test(path)) return null;
  return path;
}

function mention(kind: Mention['kind'], value: string, extra: Partial<Mention> = {}): Mention {
  return { kind, value, created: false, directory: false, bare: false, method: null, ...extra };
}

/** The script a runner word starts (`python -u x.py`, `bash run.sh`, `pytest tests/a.py tests/b.py`). */
function runTargets(tokens: string[], at: number): { mentions: Mention[]; next: number } {
  const runner = bareWord(tokens[at]!).toLowerCase();
  const out: Mention[] = [];
  let i = at + 1;
  while (i < tokens.length && tokens[i]!.startsWith('-')) {
    // `python -m pkg` and `python -c "…"` run no file.
    if (/^-[mc]$/.test(tokens[i]!) && runner.startsWith('python')) return { mentions: [], next: i + 2 };
    i++;
  }
  for (; i < tokens.length; i++) {
    const p = asPath(tokens[i]!);
    if (!p || p.directory) break;
    out.push(mention('run', p.path, { bare: p.bare }));
    if (runner !== 'pytest') {
      i++;
      break;
    }
  }
  return { mentions: out, next: i };
}

/** Everything `text` names, in order; `created` marks paths the text says will be written. */
export function scanText(raw: string): Mention[] {
  const text = sanitizeUntrusted(raw)
    .replace(/\{\{\s*server_url\s*\}\}/gi, '{{server_url}}')
    .replace(/`+/g, ' ');
  const out: Mention[] = [];
  for (const m of text.matchAll(SKILL)) out.push(mention('skill', m[0]));
  for (const m of text.matchAll(SKILL_ROUTE)) {
    if (!SKILL_ROUTE_WORDS.has(m[1]!) && !m[1]!.startsWith('wild_v2_')) out.push(mention('skill', bareWord(m[1]!)));
  }
  for (const clause of text.split(/(?<=[.;!?])\s+|\n/)) out.push(...scanClause(clause.split(/\s+/).filter((t) => t !== '')));
  return out;
}

function scanClause(tokens: string[]): Mention[] {
  const out: Mention[] = [];
  let mode: 'expect' | 'create' | 'add' = 'expect';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const word = bareWord(token);
    if (CREATE_VERBS.test(word)) mode = 'create';
    else if (ADD_VERBS.test(word)) mode = 'add';
    else if (mode === 'add' && /^(?:to|into)$/i.test(word)) mode = 'expect';
    else if (EXPECT_VERBS.test(word) && mode !== 'add') mode = 'expect';

    const previous = i > 0 ? bareWord(tokens[i - 1]!).toUpperCase() : '';
    const method = METHODS.has(previous) ? previous : null;
    const server = SERVER_PREFIX.exec(token.replace(/^[("'*_[]+/, ''));
    if (server) {
      const path = asEndpoint(server[1] ?? '/');
      if (path) out.push(mention('endpoint', path, { method }));
      continue;
    }
    if (method && token.startsWith('/')) {
      const path = asEndpoint(token);
      if (path) out.push(mention('endpoint', path, { method }));
      continue;
    }
    if (RUNNERS.test(word)) {
      const { mentions, next } = runTargets(tokens, i);
      out.push(...mentions);
      i = next - 1;
      continue;
    }
    const script = word.startsWith('./') ? asPath(word) : null;
    if (script && !script.directory) {
      out.push(mention('run', script.path, { bare: script.bare }));
      continue;
    }
    if (PASS_THROUGH.test(word)) continue;
    const p = asPath(token);
    const written = mode !== 'expect' || (i > 0 && OUTPUT_FLAG.test(tokens[i - 1]!));
    if (p) out.push(mention('path', p.path, { created: written, directory: p.directory, bare: p.bare }));
  }
  return out;
}
