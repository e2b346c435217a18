import { truncate } from './truncate.js';

/**
 * Text on one line: every run of whitespace (line breaks included) becomes one space, and
 * the ends are trimmed. With `max`, cut to at most that many UTF-16 units, `…` included.
 */
export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return max === Infinity ? flat : truncate(flat, max);
}
