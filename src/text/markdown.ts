// Inline markdown: code spans told apart from the rest the CommonMark way, and the escaping
// that puts text into a GFM table cell or a code span without changing the table around it.

export interface InlinePiece {
  /** A whole code span, backticks included. */
  code: boolean;
  text: string;
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * Splits inline markdown into code spans and the rest, the CommonMark way: a run of n
 * backticks opens a span closed by the next run of exactly n; an unmatched run is text;
 * a backslash-escaped backtick opens nothing. Linear: closing runs are looked up per length.
 */
export function inlinePieces(text: string): InlinePiece[] {
  const runs: Array<{ at: number; len: number }> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1]!)) {
      i++;
    } else if (c === '`') {
      let j = i;
      while (text[j] === '`') j++;
      runs.push({ at: i, len: j - i });
      i = j - 1;
    }
  }
  const byLength = new Map<number, number[]>();
  runs.forEach((run, index) => {
    const list = byLength.get(run.len) ?? [];
    list.push(index);
    byLength.set(run.len, list);
  });
  const cursor = new Map<number, number>();
  const pieces: InlinePiece[] = [];
  let plainFrom = 0;
  let skipUntil = -1;
  runs.forEach((run, index) => {
    if (run.at < skipUntil) return;
    const list = byLength.get(run.len)!;
    let k = cursor.get(run.len) ?? 0;
    while (k < list.length && list[k]! <= index) k++;
    cursor.set(run.len, k);
    const close = list[k];
    if (close === undefined) return;
    const end = runs[close]!.at + run.len;
    if (run.at > plainFrom) pieces.push({ code: false, text: text.slice(plainFrom, run.at) });
    pieces.push({ code: true, text: text.slice(run.at, end) });
    plainFrom = end;
    skipUntil = end;
  });
  if (plainFrom < text.length) pieces.push({ code: false, text: text.slice(plainFrom) });
  return pieces;
}

/** Plain (non-code) text as units: a backslash escape pair (`\|`, `\<`) or one character. */
export function plainUnits(text: string): string[] {
  const units: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const escaped = text[i] === '\\' && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1]!);
    units.push(escaped ? text.slice(i, ++i + 1) : text[i]!);
  }
  return units;
}

/** Rewrites the text outside code spans unit by unit (see plainUnits), leaving code spans as they are. */
export function mapOutsideCode(text: string, unit: (u: string) => string): string {
  let out = '';
  for (const piece of inlinePieces(text)) {
    out += piece.code ? piece.text : plainUnits(piece.text).map(unit).join('');
  }
  return out;
}

/**
 * Inline markdown with raw HTML made inert and everything else kept: `<` becomes `&lt;`
 * outside code spans (where it is shown literally anyway) unless already escaped as `\<`.
 */
export function neutralizeInlineHtml(markdown: string): string {
  return mapOutsideCode(markdown, (u) => (u === '<' ? '&lt;' : u));
}

/**
 * Inline markdown made safe for one GFM table cell: line breaks become spaces (a cell is
 * one line) and every `|` is escaped as `\|`, inside code spans too, since GFM splits the
 * row into cells before it reads any inline markup.
 *
 * A run of backslashes right before a pipe is doubled first (`a\|` → `a\\\|`). Parsers
 * disagree on `\\|`: GitHub's cmark-gfm reads it as an escaped pipe, micromark (and so
 * mdast, which our tests and many previews use) as an escaped backslash followed by a cell
 * border. After doubling, every pipe is preceded by an odd run of backslashes and no GFM
 * parser ends the cell there. The cost is cosmetic: text that already had `\|` shows the
 * backslash. Apply HTML neutralising (neutralizeHtml, neutralizeInlineHtml) before this.
 */
export function tableCell(markdown: string): string {
  return markdown.replace(/\r\n|[\r\n]/g, ' ').replace(/(\\*)\|/g, (_m, slashes: string) => `${slashes}${slashes}\\|`);
}

/**
 * `text` as an inline code span that shows it literally, on one line: the delimiter is a
 * backtick run longer than any inside, and a space pads each side when the text starts or
 * ends with a backtick or is itself space-padded (CommonMark strips one such space).
 * Empty text gives '' (an empty code span does not exist). In a table cell, pass the
 * result through tableCell.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n|[\r\n]/g, ' ');
  if (flat === '') return '';
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const spacePadded = flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '';
  const pad = flat.startsWith('`') || flat.endsWith('`') || spacePadded ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** Length of the longest run of `char` in `text` (0 when there is none). */
export function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
