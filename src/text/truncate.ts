// Cutting text to a size limit. Limits are in UTF-16 code units (JavaScript's `length`),
// which is what GitHub counts against its body and title limits and never undercounts
// characters. A cut never leaves the first half of a surrogate pair at the end, so an
// emoji is kept whole or dropped whole, and the result is always well-formed.

export interface TruncateOptions {
  /** Appended when the text is cut; counted within the limit. Default `…`. */
  ellipsis?: string;
  /** Drop whitespace left at the end of the kept part before the ellipsis (`word …` → `word…`). */
  trimEnd?: boolean;
}

/**
 * `text` when it fits in `max` units; otherwise as much of it as fits together with the
 * ellipsis (so the result is at most `max` long). A limit shorter than the ellipsis drops
 * the ellipsis rather than exceed the limit.
 */
export function truncate(text: string, max: number, options: TruncateOptions = {}): string {
  const limit = Math.max(0, Math.floor(max));
  if (text.length <= limit) return text;
  const ellipsis = fittingEllipsis(options.ellipsis ?? '…', limit);
  let kept = cutUnits(text, limit - ellipsis.length);
  if (options.trimEnd) kept = kept.trimEnd();
  return `${kept}${ellipsis}`;
}

/**
 * Like truncate, but ends at a line break when one falls in the second half of the room
 * left for the text, so a quoted paragraph or a list is not cut mid-line. The line break
 * itself is dropped; the ellipsis (or notice) follows the last whole line.
 */
export function truncateAtLine(text: string, max: number, options: TruncateOptions = {}): string {
  const limit = Math.max(0, Math.floor(max));
  if (text.length <= limit) return text;
  const ellipsis = fittingEllipsis(options.ellipsis ?? '…', limit);
  const room = limit - ellipsis.length;
  const lineEnd = text.lastIndexOf('\n', room - 1);
  let kept = lineEnd > room / 2 ? text.slice(0, lineEnd) : cutUnits(text, room);
  if (options.trimEnd) kept = kept.trimEnd();
  return `${kept}${ellipsis}`;
}

/**
 * The end of `text` when it does not fit: the ellipsis, then as much of the tail as fits
 * (for error output, where the last lines say the most). Never starts inside a surrogate pair.
 */
export function truncateStart(text: string, max: number, options: Pick<TruncateOptions, 'ellipsis'> = {}): string {
  const limit = Math.max(0, Math.floor(max));
  if (text.length <= limit) return text;
  const ellipsis = fittingEllipsis(options.ellipsis ?? '…', limit);
  const from = text.length - (limit - ellipsis.length);
  const start = isLowSurrogate(text.charCodeAt(from)) ? from + 1 : from;
  return `${ellipsis}${text.slice(start)}`;
}

/** The first `units` UTF-16 units of `text`, one fewer when that would split a surrogate pair. */
export function cutUnits(text: string, units: number): string {
  const end = Math.max(0, Math.floor(units));
  if (end >= text.length) return text;
  return isHighSurrogate(text.charCodeAt(end - 1)) ? text.slice(0, end - 1) : text.slice(0, end);
}

function fittingEllipsis(ellipsis: string, limit: number): string {
  return ellipsis.length <= limit ? ellipsis : '';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
