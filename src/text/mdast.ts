import type { Root } from 'mdast';
import { fromMarkdown, type Extension } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/**
 * Markdown as an mdast tree, read the GitHub way (CommonMark plus GFM: tables, task lists,
 * strikethrough, autolinks, footnotes). Never throws on text: the task-list extension
 * asserts (in its development build) on odd input such as a lazy `[ ]` line after an empty
 * bullet, and then plain CommonMark gives the structure instead.
 */
export function parseMarkdown(markdown: string, mdastExtensions: Extension[] = []): Root {
  try {
    return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown(), ...mdastExtensions] });
  } catch {
    return fromMarkdown(markdown, { mdastExtensions });
  }
}
