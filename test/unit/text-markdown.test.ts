import type { InlineCode, Table, Text } from 'mdast';
import { describe, expect, it } from 'vitest';
import { codeSpan, inlinePieces, longestRun, neutralizeInlineHtml, tableCell } from '../../src/text/markdown.js';
import { parseMarkdown } from '../../src/text/mdast.js';

/** The cells of the one body row of `| a | <cell> | z |`, as mdast (micromark) reads them. */
function rowCells(cell: string): string[] {
  const root = parseMarkdown(`| a | b | z |\n|---|---|---|\n| a | ${cell} | z |\n`);
  const table = root.children[0] as Table;
  expect(table.type).toBe('table');
  const row = table.children[1]!;
  return row.children.map((c) => c.children.map((n) => (n as Text | InlineCode).value ?? '').join(''));
}

describe('tableCell', () => {
  it('escapes a pipe so it stays in its cell', () => {
    expect(tableCell('a|b')).toBe('a\\|b');
    expect(rowCells(tableCell('a|b'))).toEqual(['a', 'a|b', 'z']);
  });

  it('doubles the backslashes before a pipe, so `\\|` cannot end the cell in any GFM parser', () => {
    expect(tableCell('a\\|b')).toBe('a\\\\\\|b');
    expect(tableCell('a\\\\|b')).toBe('a\\\\\\\\\\|b');
    expect(rowCells(tableCell('a\\|b'))).toHaveLength(3);
    expect(rowCells(tableCell('a\\\\|b'))).toHaveLength(3);
    expect(rowCells(tableCell('\\|\\\\|\\\\\\|'))).toHaveLength(3);
  });

  it('puts the cell on one line', () => {
    expect(tableCell('one\ntwo\r\nthree\rfour')).toBe('one two three four');
    expect(rowCells(tableCell('x | y\n| z |'))).toHaveLength(3);
  });

  it('escapes pipes inside code spans too (GFM splits cells before it reads code)', () => {
    expect(tableCell('`x|y` and ``a`|`b``')).toBe('`x\\|y` and ``a`\\|`b``');
    expect(rowCells(tableCell('`x|y`'))).toEqual(['a', 'x|y', 'z']);
  });

  it('leaves other text and empty input alone', () => {
    expect(tableCell('')).toBe('');
    expect(tableCell('*a* \\* `b`')).toBe('*a* \\* `b`');
  });
});

describe('codeSpan', () => {
  it('shows text with backticks literally', () => {
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('``x')).toBe('``` ``x ```');
    expect(codeSpan('x`')).toBe('`` x` ``');
    for (const text of ['a`b', '``x', 'x`', '` `', ' padded ', 'a```b`']) {
      const root = parseMarkdown(codeSpan(text));
      const paragraph = root.children[0] as { children: InlineCode[] };
      expect(paragraph.children).toHaveLength(1);
      expect(paragraph.children[0]!.value).toBe(text);
    }
  });

  it('is one line, and empty for empty text', () => {
    expect(codeSpan('a\nb')).toBe('`a b`');
    expect(codeSpan('')).toBe('');
  });

  it('combines with tableCell for a code cell', () => {
    const cell = tableCell(codeSpan('gpt|4 `mini`'));
    expect(rowCells(cell)).toEqual(['a', 'gpt|4 `mini`', 'z']);
  });
});

describe('neutralizeInlineHtml', () => {
  it('escapes < outside code spans only, and leaves an escaped \\< alone', () => {
    expect(neutralizeInlineHtml('<b>x</b> `<kbd>` \\<i>')).toBe('&lt;b>x&lt;/b> `<kbd>` \\<i>');
  });
});

describe('inlinePieces', () => {
  it('splits code spans the CommonMark way', () => {
    expect(inlinePieces('a `b` ``c`d`` `e')).toEqual([
      { code: false, text: 'a ' },
      { code: true, text: '`b`' },
      { code: false, text: ' ' },
      { code: true, text: '``c`d``' },
      { code: false, text: ' `e' },
    ]);
    expect(inlinePieces('\\`not code`')).toEqual([{ code: false, text: '\\`not code`' }]);
    expect(inlinePieces('')).toEqual([]);
  });
});

describe('longestRun', () => {
  it('measures the longest run of one character', () => {
    expect(longestRun('a``b````c`', '`')).toBe(4);
    expect(longestRun('', '`')).toBe(0);
  });
});
