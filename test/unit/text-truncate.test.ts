import { describe, expect, it } from 'vitest';
import { oneLine } from '../../src/text/one-line.js';
import { cutUnits, truncate, truncateAtLine, truncateStart } from '../../src/text/truncate.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('truncate', () => {
  it('leaves text that fits alone, and cuts the rest to the limit, ellipsis included', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('abcdef', 4, { ellipsis: '...' })).toBe('a...');
    expect(truncate('abcdef', 3, { ellipsis: '' })).toBe('abc');
  });

  it('handles empty input and degenerate limits', () => {
    expect(truncate('', 0)).toBe('');
    expect(truncate('', 5)).toBe('');
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('abc', -1)).toBe('');
    // A limit shorter than the ellipsis keeps the limit and drops the ellipsis.
    expect(truncate('abcdef', 2, { ellipsis: '...' })).toBe('ab');
    expect(truncate('abc', 2.9)).toBe('a…');
  });

  it('never splits a surrogate pair at the cut', () => {
    const rockets = '\u{1F680}'.repeat(5); // 10 UTF-16 units
    expect(truncate(rockets, 4)).toBe('\u{1F680}…'); // 3 units of room: one whole rocket
    expect(truncate(rockets, 5)).toBe('\u{1F680}\u{1F680}…');
    expect(truncate(`a${rockets}`, 3)).toBe('a…');
    for (let max = 0; max <= 12; max++) {
      const cut = truncate(`x${rockets}`, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(LONE_SURROGATE);
    }
  });

  it('keeps emoji made of several code points apart only between code points, never inside one', () => {
    const family = '👩‍👩‍👧'; // woman ZWJ woman ZWJ girl: 8 UTF-16 units
    for (let max = 0; max <= family.length; max++) expect(truncate(family, max)).not.toMatch(LONE_SURROGATE);
  });

  it('drops trailing whitespace before the ellipsis when asked', () => {
    expect(truncate('word next', 6)).toBe('word …');
    expect(truncate('word next', 6, { trimEnd: true })).toBe('word…');
  });
});

describe('truncateAtLine', () => {
  it('ends at a line break in the second half of the room', () => {
    expect(truncateAtLine('first line\nsecond line', 15)).toBe('first line…');
    expect(truncateAtLine('ab\ncdefghijkl', 10)).toBe('ab\ncdefgh…'); // the break is too early: cut mid-line
  });

  it('uses a notice as the ellipsis and stays within the limit', () => {
    const notice = '\n\n_cut_';
    const text = `${'line\n'.repeat(20)}end`;
    const cut = truncateAtLine(text, 50, { ellipsis: notice });
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith(`line${notice}`)).toBe(true);
  });

  it('never splits a surrogate pair when no line break helps', () => {
    const text = '😀'.repeat(20);
    for (let max = 0; max <= 12; max++) {
      const cut = truncateAtLine(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(LONE_SURROGATE);
    }
  });

  it('returns short and empty text unchanged', () => {
    expect(truncateAtLine('', 3)).toBe('');
    expect(truncateAtLine('a\nb', 3)).toBe('a\nb');
  });
});

describe('truncateStart', () => {
  it('keeps the end, the ellipsis first, within the limit', () => {
    expect(truncateStart('abcdef', 4)).toBe('…def');
    expect(truncateStart('abc', 3)).toBe('abc');
    expect(truncateStart('', 3)).toBe('');
    expect(truncateStart('abcdef', 1, { ellipsis: '...' })).toBe('f');
  });

  it('never starts inside a surrogate pair', () => {
    const text = `${'😀'.repeat(5)}x`;
    for (let max = 0; max <= 12; max++) {
      const cut = truncateStart(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(LONE_SURROGATE);
    }
    expect(truncateStart(text, 3)).toBe('…x');
    expect(truncateStart(text, 4)).toBe('…😀x');
  });
});

describe('cutUnits', () => {
  it('keeps at most n units and never the first half of a pair', () => {
    expect(cutUnits('abc', 2)).toBe('ab');
    expect(cutUnits('a😀b', 2)).toBe('a');
    expect(cutUnits('a😀b', 3)).toBe('a😀');
    expect(cutUnits('abc', 10)).toBe('abc');
    expect(cutUnits('abc', 0)).toBe('');
  });
});

describe('oneLine', () => {
  it('collapses whitespace runs and trims', () => {
    expect(oneLine('  a\n\n b\t c  ')).toBe('a b c');
    expect(oneLine('')).toBe('');
  });

  it('cuts to a limit with an ellipsis, surrogate-safe', () => {
    expect(oneLine('a  b  c  d', 5)).toBe('a b …');
    expect(oneLine('x😀😀', 3)).toBe('x…');
    expect(oneLine('short', 5)).toBe('short');
  });
});
