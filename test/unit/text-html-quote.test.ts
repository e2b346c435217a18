import { describe, expect, it } from 'vitest';
import { escapeHtmlText, neutralizeHtml } from '../../src/text/html.js';
import { blockquote } from '../../src/text/quote.js';

describe('neutralizeHtml', () => {
  it('makes tags and comments inert but leaves markdown and entities alone', () => {
    expect(neutralizeHtml('</details> <!-- wild-plan:plan-comment --> **bold** &amp; a > b')).toBe(
      '&lt;/details> &lt;!-- wild-plan:plan-comment --> **bold** &amp; a > b',
    );
    expect(neutralizeHtml('')).toBe('');
  });
});

describe('escapeHtmlText', () => {
  it('escapes &, < and > for text inside an element', () => {
    expect(escapeHtmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(escapeHtmlText('&lt;')).toBe('&amp;lt;');
  });
});

describe('blockquote', () => {
  it('quotes every line, blank ones as a bare >', () => {
    expect(blockquote('one\n\ntwo  \nthree')).toBe('> one\n>\n> two\n> three');
    expect(blockquote('')).toBe('>');
  });

  it('keeps a quoted fence or heading inside the quote', () => {
    expect(blockquote('```\n# not a heading\n```')).toBe('> ```\n> # not a heading\n> ```');
  });
});
