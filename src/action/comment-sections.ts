// Parts of the sticky plan comment that commands other than `plan` keep up to date — the stale
// banner, the research loop — each between hidden markers of its own, placed under the
// comment's first line (its marker) and replaced in place, never stacked.
import { MARKER_PREFIX } from '../trigger.js';

export type SectionName = 'stale' | 'base' | 'loop';

const start = (name: SectionName) => `${MARKER_PREFIX}${name} -->`;
const end = (name: SectionName) => `${MARKER_PREFIX}${name}-end -->`;

/** `content` wrapped in the section's markers. */
export function section(name: SectionName, content: string): string {
  return `${start(name)}\n${content.trim()}\n${end(name)}`;
}

/** The comment with the section in place of an earlier one, or under its first line; '' content removes it. */
export function withSection(comment: string, name: SectionName, content: string): string {
  const from = comment.indexOf(start(name));
  const to = comment.indexOf(end(name));
  const block = content.trim() === '' ? '' : section(name, content);
  if (from !== -1 && to > from) {
    const after = comment.slice(to + end(name).length);
    return block === '' ? `${comment.slice(0, from)}${after.replace(/^\n+/, '')}` : `${comment.slice(0, from)}${block}${after}`;
  }
  if (block === '') return comment;
  const newline = comment.indexOf('\n');
  if (newline === -1) return `${comment}\n${block}\n`;
  return `${comment.slice(0, newline + 1)}${block}\n\n${comment.slice(newline + 1)}`;
}
