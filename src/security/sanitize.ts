// Untrusted text (issue titles and bodies, steer comments) is read by a coding agent, but
// the maintainer who triggers a run reads the *rendered* issue on GitHub. Anything the
// rendering hides — HTML comments, invisible or direction-changing characters, Tag-block
// "ASCII smuggling", variation-selector smuggling — could carry instructions the
// maintainer never saw, so it is removed before the text goes anywhere.

/**
 * Characters removed outright. In a `u` regex a surrogate range only matches *lone*
 * surrogates, so well-formed astral characters (emoji, CJK extension B) survive.
 *
 * - C0 controls except `\t` and `\n` (`\r` is normalised to `\n` first), DEL, C1 controls
 * - U+00AD soft hyphen, U+034F combining grapheme joiner, U+115F/U+1160/U+3164/U+FFA0
 *   Hangul fillers, U+17B4/U+17B5 Khmer invisible vowels: render as nothing
 * - U+180B–U+180F Mongolian selectors and vowel separator
 * - U+200B–U+200D zero-width space/non-joiner/joiner, U+200E/U+200F LRM/RLM, U+061C ALM
 * - U+202A–U+202E bidi embeddings and overrides, U+2066–U+2069 bidi isolates
 * - U+2060–U+2064 word joiner and invisible operators, U+2065–U+206F (unassigned and
 *   deprecated format characters)
 * - U+FE00–U+FE0F and U+E0100–U+E01EF variation selectors: 256 of them encode a byte each
 *   after a visible emoji ("emoji smuggling")
 * - U+FEFF zero-width no-break space / BOM, U+FFF0–U+FFFB specials and interlinear
 *   annotation, U+FFFE/U+FFFF noncharacters
 * - U+1D173–U+1D17A invisible musical formatting, U+E0000–U+E007F the Tag block (an
 *   invisible copy of ASCII)
 * - lone UTF-16 surrogates
 */
// Each listed character is matched on its own on purpose, combining ones included: they are what is removed.
/* eslint-disable no-misleading-character-class */
const BANNED_CHARS =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFFB\uFFFE\uFFFF\u{1D173}-\u{1D17A}\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}\uD800-\uDFFF]/gu;
/* eslint-enable no-misleading-character-class */

const COMMENT_OPEN = '<!--';
const COMMENT_CLOSE = '-->';

export interface SanitizeReport {
  text: string;
  /** Invisible, bidi, control and smuggling characters removed. */
  removedChars: number;
  /** HTML comments removed (an unterminated one counts once and hides the rest). */
  removedComments: number;
}

/** Removes everything GitHub would not show a reader of the text; see {@link sanitizeWithReport}. */
export function sanitizeUntrusted(text: string): string {
  return sanitizeWithReport(text).text;
}

/**
 * Cleans untrusted text and says what was removed. Idempotent: characters go first, then
 * comments, and removing a comment can neither create a banned character nor leave a
 * `<!--` behind, so a second pass finds nothing.
 */
export function sanitizeWithReport(text: string): SanitizeReport {
  // U+2028/U+2029 act as line breaks in many tools but not in GitHub's renderer; make
  // every line break one the reader sees.
  const lines = text.replace(/\r\n?|[\u2028\u2029]/g, '\n');
  let removedChars = 0;
  const visible = lines.replace(BANNED_CHARS, () => {
    removedChars += 1;
    return '';
  });
  const { text: uncommented, removed } = removeHtmlComments(visible);
  return { text: uncommented, removedChars, removedComments: removed };
}

/**
 * One left-to-right pass whose output holds no `<!--` at all, so it is idempotent even
 * for an opener re-assembled by a removal (`<!<!-- x -->-- hidden -->`): after each
 * removal, the last kept characters and the following input are checked for a `<!--`
 * straddling the cut. Kept text is held as chunks so dropping the straddling prefix never
 * copies the whole output; the pass stays linear in the input length.
 */
function removeHtmlComments(text: string): { text: string; removed: number } {
  if (!text.includes(COMMENT_OPEN)) return { text, removed: 0 };
  const kept: string[] = [];
  let removed = 0;
  let i = 0;
  let afterRemoval = false;
  for (;;) {
    const straddle = afterRemoval ? straddlingPrefix(kept, text, i) : 0;
    if (straddle > 0) {
      dropLast(kept, straddle);
      removed += 1;
      i = commentEnd(text, i + COMMENT_OPEN.length - straddle);
      continue;
    }
    const open = text.indexOf(COMMENT_OPEN, i);
    if (open === -1) {
      kept.push(text.slice(i));
      break;
    }
    // Empty chunks are never kept, so looking back three characters stays O(1).
    if (open > i) kept.push(text.slice(i, open));
    removed += 1;
    i = commentEnd(text, open + COMMENT_OPEN.length);
    afterRemoval = true;
  }
  return { text: kept.join(''), removed };
}

/** Length of the `<!--` prefix that ends the kept text and is completed by `text` at `at`. */
function straddlingPrefix(kept: readonly string[], text: string, at: number): number {
  const tail = lastChars(kept, COMMENT_OPEN.length - 1);
  for (let k = COMMENT_OPEN.length - 1; k >= 1; k -= 1) {
    if (tail.endsWith(COMMENT_OPEN.slice(0, k)) && text.startsWith(COMMENT_OPEN.slice(k), at)) return k;
  }
  return 0;
}

function lastChars(chunks: readonly string[], count: number): string {
  let tail = '';
  for (let c = chunks.length - 1; c >= 0 && tail.length < count; c -= 1) tail = chunks[c] + tail;
  return tail.slice(-count);
}

function dropLast(chunks: string[], count: number): void {
  let left = count;
  while (left > 0 && chunks.length > 0) {
    const last = chunks.pop() ?? '';
    if (last.length > left) chunks.push(last.slice(0, last.length - left));
    left -= Math.min(left, last.length);
  }
}

/**
 * Index just after the comment whose body starts at `start`. CommonMark and HTML close
 * `<!-->` and `<!--->` at once; otherwise the comment runs to the next `-->`, and an
 * unterminated one hides everything after it (GitHub renders none of it).
 */
function commentEnd(text: string, start: number): number {
  if (text.startsWith('>', start)) return start + 1;
  if (text.startsWith('->', start)) return start + 2;
  const close = text.indexOf(COMMENT_CLOSE, start);
  return close === -1 ? text.length : close + COMMENT_CLOSE.length;
}
