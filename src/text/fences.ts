// Fenced code blocks (```` ``` ```` and `~~~`) as the markdown parser sees them, so every
// reader agrees with GitHub on what is code: fences inside list items and blockquotes, an
// info string with a backtick (not a fence), a closer shorter than the opener (not a
// closer), a fence left open to the end. Built on mdast (see parseMarkdown).
import type { Code, Nodes } from 'mdast';
import type { Extension } from 'mdast-util-from-markdown';
import { parseMarkdown } from './mdast.js';

export interface FencedBlock {
  /** Offset of the opening fence's first backtick or tilde. */
  start: number;
  /** Offset just past the closing fence, or past the last line of a block left open. */
  end: number;
  /** The opening run (```` ``` ````, `~~~~`): a closer is the same character, at least as long. */
  marker: string;
  /** The first word of the info string (`bash`), or null. */
  lang: string | null;
  /** The content, without the fence lines and the fence's indentation. */
  value: string;
  /** A closing fence ends it; false when it runs to the end of its container. */
  closed: boolean;
  /** Directly in the document, not inside a list item or a blockquote. */
  topLevel: boolean;
}

/** Text without three backticks or tildes in a row holds no fence: no need to parse it. */
const MAY_HOLD_FENCE = /```|~~~/;

/** Every fenced code block in the text, in document order, nested ones included. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  if (!MAY_HOLD_FENCE.test(markdown)) return [];
  // mdast keeps no trace of the fence lines: note each fence's run of backticks or tildes
  // (one for the opener, one more for a closer) against the code node being built.
  const fences = new Map<Code, Array<{ run: string; at: number }>>();
  const noteFences: Extension = {
    exit: {
      codeFencedFenceSequence(token) {
        // The opener's exit pushed a buffer for the content: the code node is below it.
        const node = this.stack.findLast((n) => n.type === 'code');
        if (node?.type !== 'code') return;
        const list = fences.get(node) ?? [];
        list.push({ run: this.sliceSerialize(token), at: token.start.offset });
        fences.set(node, list);
      },
    },
  };
  const blocks: FencedBlock[] = [];
  const visit = (node: Nodes, topLevel: boolean): void => {
    const seen = node.type === 'code' ? fences.get(node) : undefined;
    if (node.type === 'code' && seen?.[0] && node.position) {
      blocks.push({
        start: seen[0].at,
        end: node.position.end.offset ?? markdown.length,
        marker: seen[0].run,
        lang: node.lang ?? null,
        value: node.value,
        closed: seen.length > 1,
        topLevel,
      });
    }
    if ('children' in node) for (const child of node.children) visit(child, node.type === 'root');
  };
  visit(parseMarkdown(markdown, [noteFences]), false);
  return blocks;
}

/**
 * For each line of `markdown.split('\n')`, whether it belongs to a fenced code block
 * (its opening and closing fence lines included).
 */
export function fencedLines(markdown: string): boolean[] {
  const starts = [0];
  for (let at = markdown.indexOf('\n'); at >= 0; at = markdown.indexOf('\n', at + 1)) starts.push(at + 1);
  const inFence = starts.map(() => false);
  for (const block of fencedBlocks(markdown)) {
    const last = lineAt(starts, Math.max(block.start, block.end - 1));
    for (let line = lineAt(starts, block.start); line <= last; line++) inFence[line] = true;
  }
  return inFence;
}

/** Whether the character at `offset` lies in a fenced code block (fence lines included). */
export function isInsideFence(markdown: string, offset: number): boolean {
  return fencedBlocks(markdown).some((block) => offset >= lineStart(markdown, block.start) && offset < block.end);
}

/**
 * The fence that closes a code block left open at the end of the text (say, by a cut),
 * or null when text appended on a new line would not read as code. Only a block directly
 * in the document can be left open so: one in a list item or a quote ends with it.
 */
export function unclosedFence(markdown: string): string | null {
  return fencedBlocks(markdown).find((block) => block.topLevel && !block.closed)?.marker ?? null;
}

/** Index of the line holding `offset`, given each line's start offset (ascending). */
function lineAt(starts: number[], offset: number): number {
  let [low, high] = [0, starts.length - 1];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

function lineStart(markdown: string, offset: number): number {
  return offset <= 0 ? 0 : markdown.lastIndexOf('\n', offset - 1) + 1;
}
