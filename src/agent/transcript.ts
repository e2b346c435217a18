// Reads the agent's signals the way the research engine does (v2_prompts.py: the first
// `<plan>…</plan>`, `<summary>…</summary>` and `<promise>…</promise>`, contents trimmed,
// promise upper-cased), with the robustness a whole transcript needs:
//   - the prompt's own example `<plan>\n(full tasks markdown)\n</plan>`, echoed back by
//     an agent, and other placeholder-only plans are skipped for the first real plan;
//   - tags quoted in inline code (`` `<plan>` ``, as in the prompt's abort instructions)
//     count only when no unquoted tag gives an answer;
//   - an opening tag with no closing tag is ignored; when openings repeat before a
//     closing one, the closing tag pairs with the nearest ("I will output the <plan>
//     now: <plan>…</plan>" yields the real plan, not the sentence);
//   - a plan wrapped whole in one code fence is unwrapped;
//   - CRLF is read as LF, NUL characters are dropped, any input is scanned in linear
//     time with plain string searches, and nothing throws.

export interface TranscriptSignals {
  /** The first real plan, or null (the caller then reads tasks.md from disk). */
  plan: string | null;
  summary: string | null;
  /** Upper-cased, e.g. `DONE`. */
  promise: string | null;
}

type TagName = 'plan' | 'summary' | 'promise';
const TAGS: readonly TagName[] = ['plan', 'summary', 'promise'];
const NONE: TranscriptSignals = { plan: null, summary: null, promise: null };

/** A plan whose every line looks like this is a placeholder: `(full tasks markdown)`, `...`, `<plan here>`. */
const PLACEHOLDER_LINE = /^(?:\(.*\)|\[.*\]|<.*>|\{.*\}|\.{2,}|…+|full tasks markdown)$/i;

export function parseTranscript(text: string): TranscriptSignals {
  try {
    return typeof text === 'string' ? scan(text.replace(/\r\n?/g, '\n')) : { ...NONE };
  } catch {
    return { ...NONE };
  }
}

interface TagState {
  /** Where the innermost unclosed opening tag's content starts, per [unquoted, quoted]. */
  open: [number | null, number | null];
  /** Accepted contents, per [unquoted, quoted]; the unquoted one wins. */
  found: [string | null, string | null];
}

function scan(text: string): TranscriptSignals {
  const states = new Map<TagName, TagState>(TAGS.map((tag) => [tag, { open: [null, null], found: [null, null] }]));
  const code = new InlineCodeTracker(text);
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const closing = text.startsWith('</', at);
    const tag = TAGS.find((name) => text.startsWith(closing ? `</${name}>` : `<${name}>`, at));
    if (tag === undefined) continue;
    const state = states.get(tag);
    if (state === undefined) continue;
    const quoted = code.isInlineCode(at) ? 1 : 0;
    const tagLength = tag.length + (closing ? 3 : 2);
    if (!closing) {
      state.open[quoted] = at + tagLength;
    } else {
      const start = state.open[quoted];
      state.open[quoted] = null;
      if (start !== null && state.found[quoted] === null) {
        state.found[quoted] = accept(tag, text.slice(start, at));
      }
    }
    at += tagLength - 1;
    if (TAGS.every((name) => states.get(name)?.found[0] !== null)) break;
  }
  const pick = (tag: TagName): string | null => {
    const state = states.get(tag);
    return state?.found[0] ?? state?.found[1] ?? null;
  };
  return { plan: pick('plan'), summary: pick('summary'), promise: pick('promise') };
}

/** The cleaned content, or null when it is not an answer (a placeholder plan). */
function accept(tag: TagName, raw: string): string | null {
  const content = raw.replace(/\0/g, '').trim();
  if (tag === 'promise') return content.toUpperCase();
  if (tag === 'summary') return content;
  const plan = unwrapFence(content);
  return isPlaceholderPlan(plan) ? null : plan;
}

function isPlaceholderPlan(plan: string): boolean {
  return plan
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .every((line) => PLACEHOLDER_LINE.test(line));
}

const FENCE_OPEN = /^(`{3,}|~{3,})[^`]*$/;
const FENCE_ONLY = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/** ```` ```markdown\n…\n``` ```` → `…`, when that one fence holds everything. */
function unwrapFence(content: string): string {
  const lines = content.split('\n');
  const marker = FENCE_OPEN.exec(lines[0] ?? '')?.[1];
  if (marker === undefined || lines.length < 2) return content;
  const closes = (line: string): boolean => {
    const fence = FENCE_ONLY.exec(line)?.[1];
    return fence !== undefined && fence[0] === marker[0] && fence.length >= marker.length;
  };
  if (!closes(lines[lines.length - 1] ?? '')) return content;
  const inner = lines.slice(1, -1);
  if (inner.some(closes)) return content;
  return inner.join('\n').trim();
}

/**
 * Says whether a position sits inside an inline code span: an odd number of backticks
 * before it on its line and one more after it. Positions must be asked in increasing
 * order; the cursor and the cached searches only move forward, so a whole scan stays
 * linear even on one enormous line.
 */
class InlineCodeTracker {
  private pos = 0;
  private ticksOnLine = 0;
  private nextTick = -2;
  private nextNewline = -2;

  constructor(private readonly text: string) {}

  isInlineCode(at: number): boolean {
    for (; this.pos < at; this.pos += 1) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 10) this.ticksOnLine = 0;
      else if (c === 96) this.ticksOnLine += 1;
    }
    if (this.ticksOnLine % 2 === 0) return false;
    if (this.nextTick !== -1 && this.nextTick < at) this.nextTick = this.text.indexOf('`', at);
    if (this.nextTick === -1) return false;
    if (this.nextNewline !== -1 && this.nextNewline < at) this.nextNewline = this.text.indexOf('\n', at);
    return this.nextNewline === -1 || this.nextTick < this.nextNewline;
  }
}
