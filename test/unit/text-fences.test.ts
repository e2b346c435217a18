import { describe, expect, it } from 'vitest';
import { fencedBlocks, fencedLines, isInsideFence, unclosedFence } from '../../src/text/fences.js';

describe('fencedBlocks', () => {
  it('finds backtick and tilde fences with their marker, language and content', () => {
    const text = 'intro\n\n```bash\necho hi\n```\n\n~~~~ python\nprint(1)\n~~~~\n';
    expect(fencedBlocks(text).map(({ marker, lang, value, closed, topLevel }) => ({ marker, lang, value, closed, topLevel }))).toEqual([
      { marker: '```', lang: 'bash', value: 'echo hi', closed: true, topLevel: true },
      { marker: '~~~~', lang: 'python', value: 'print(1)', closed: true, topLevel: true },
    ]);
    const [first] = fencedBlocks(text);
    expect(text.slice(first!.start, first!.end)).toBe('```bash\necho hi\n```');
  });

  it('finds a fence inside a list item and inside a blockquote', () => {
    const text = '- step one\n\n  ```sh\n  make\n  ```\n\n> ~~~\n> quoted\n> ~~~\n';
    const blocks = fencedBlocks(text);
    expect(blocks.map((b) => [b.value, b.closed, b.topLevel])).toEqual([
      ['make', true, false],
      ['quoted', true, false],
    ]);
  });

  it('reports an unclosed fence as running to the end', () => {
    const text = 'x\n\n```js\nlet a = 1;\n## still code';
    const [block] = fencedBlocks(text);
    expect(block).toMatchObject({ marker: '```', closed: false, topLevel: true, end: text.length });
  });

  it('follows CommonMark: a shorter closer, another character or a backtick in the info string do not count', () => {
    expect(fencedBlocks('````\na\n```\nb\n````').map((b) => b.value)).toEqual(['a\n```\nb']);
    expect(fencedBlocks('~~~\na\n```\nb\n~~~').map((b) => b.value)).toEqual(['a\n```\nb']);
    // `a`b is not an info string: the first line is text, and the last one opens a fence.
    const text = '```a`b\nnot code\n```';
    expect(fencedBlocks(text).map((b) => [b.start, b.value, b.closed])).toEqual([[text.lastIndexOf('```'), '', false]]);
    expect(fencedBlocks('    ```\n    indented code, not a fence\n')).toEqual([]);
  });

  it('returns nothing for text without fences and for empty text', () => {
    expect(fencedBlocks('')).toEqual([]);
    expect(fencedBlocks('`inline` and ``more``')).toEqual([]);
  });
});

describe('fencedLines', () => {
  it('marks the fence lines and everything between, per split line', () => {
    expect(fencedLines('a\n```\n### x\n```\n### y')).toEqual([false, true, true, true, false]);
    expect(fencedLines('- item\n  ```\n  ### x\n  ```\n### y')).toEqual([false, true, true, true, false]);
    expect(fencedLines('a\r\n~~~\r\nb\r\n~~~\r\nc')).toEqual([false, true, true, true, false]);
    expect(fencedLines('')).toEqual([false]);
  });

  it('marks an unclosed fence to the last line', () => {
    expect(fencedLines('a\n```\nb\nc')).toEqual([false, true, true, true]);
  });
});

describe('isInsideFence', () => {
  it('tells whether an offset lies in a fenced block', () => {
    const text = 'x\n```\ny\n```\nz';
    expect(isInsideFence(text, 0)).toBe(false);
    expect(isInsideFence(text, text.indexOf('y'))).toBe(true);
    expect(isInsideFence(text, 2)).toBe(true);
    expect(isInsideFence(text, text.indexOf('z'))).toBe(false);
  });
});

describe('unclosedFence', () => {
  it.each([
    ['```py\nx\n```', null],
    ['```py\nx', '```'],
    ['````\nx\n```', '````'],
    ['~~~\nx\n```', '~~~'],
    ['  ~~~~\nx\n    ~~~~', '~~~~'],
    ['```', '```'],
    ['- ```\n  x', null], // the list item ends before appended text: nothing to close
    ['> ```\n> x', null],
    ['```a`b\nx', null], // not a fence at all
    ['', null],
  ])('%j → %j', (text, expected) => {
    expect(unclosedFence(text)).toBe(expected);
  });
});
